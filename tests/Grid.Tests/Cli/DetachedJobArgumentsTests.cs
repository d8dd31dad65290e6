using Grid.Cli;

namespace Grid.Tests.Cli;

/// <summary>The command lines of detached jobs that are wrong before any cluster is reached: each exits 2 with one line and starts no silo.</summary>
[Trait("Category", "Fast")]
public sealed class DetachedJobArgumentsTests
{
    private const string Id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    private const string DetachNeedsCluster =
        "grid: --detach needs a cluster whose silos have a job store: give --cluster CONNECTION (or GRID_CLUSTER), "
        + "and the silos a PostgreSQL connection string in Grid:Jobs:Store; the embedded silo keeps no detached jobs";

    private const string NotAnId = "is not a job id; a job id is a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301, as --detach printed it and 'grid jobs' lists it";

    [Theory]
    [InlineData("primes 7 --detach", DetachNeedsCluster)]
    [InlineData("primes --detach --from 1 --count 1000000000", DetachNeedsCluster)]
    [InlineData("pi --samples 1000 --detach", DetachNeedsCluster)]
    [InlineData("transform /no/such/grid/folder out --detach", DetachNeedsCluster)]
    [InlineData("--cluster 127.0.0.1:1 primes 7 --detach --ordered", "grid: --ordered shapes the output of a job run live; a detached job's results are read with 'grid attach' in the order they were stored")]
    [InlineData("--cluster 127.0.0.1:1 fetch urls.txt --detach", "grid: unknown option '--detach'")]
    [InlineData("--cluster 127.0.0.1:1 bench --detach", "grid: unknown option '--detach'")]
    [InlineData("jobs", "grid jobs: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("jobs --json --limit 5", "grid jobs: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("attach " + Id, "grid attach: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("attach " + Id + " --failed --json", "grid attach: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("cancel " + Id, "grid cancel: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("forget " + Id, "grid forget: detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or GRID_CLUSTER)")]
    [InlineData("--cluster 127.0.0.1:1 attach nope", "grid: 'nope' " + NotAnId)]
    [InlineData("attach 12", "grid: '12' " + NotAnId)]
    [InlineData("--cluster 127.0.0.1:1 cancel 3f2504e0-4f89", "grid: '3f2504e0-4f89' " + NotAnId)]
    [InlineData("forget x", "grid: 'x' " + NotAnId)]
    [InlineData("--cluster 127.0.0.1:1 jobs --limit 0", "grid: --limit must be a whole number from 1 to 10000; got '0'")]
    [InlineData("--cluster 127.0.0.1:1 jobs --limit 10001", "grid: --limit must be a whole number from 1 to 10000; got '10001'")]
    [InlineData("--cluster 127.0.0.1:1 jobs extra", "grid: unexpected argument 'extra'")]
    public async Task RunAsync_BadArguments_ExitsTwoWithOneErrorLine(string commandLine, string expected)
    {
        var result = await CliRunner.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([expected], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    [Theory]
    [InlineData("attach")]
    [InlineData("cancel")]
    [InlineData("forget")]
    public async Task RunAsync_NoJobId_ExitsTwoWithOneLineStartingGrid(string command)
    {
        var result = await CliRunner.RunAsync("--cluster", "127.0.0.1:1", command);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("primes")]
    [InlineData("pi")]
    [InlineData("transform")]
    public async Task RunAsync_KernelCommandHelp_DescribesDetach(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var text = result.Out.ReplaceLineEndings(" ");
        Assert.Contains("--detach", text, StringComparison.Ordinal);
        Assert.Contains("--ordered is refused", string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_ListsTheCommandsOfDetachedJobs()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        foreach (var command in new[] { "jobs", "attach", "cancel", "forget" })
        {
            Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith(command + " ", StringComparison.Ordinal));
        }
    }
}
