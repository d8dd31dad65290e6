using Grid.Cli;

namespace Grid.Tests.Cli;

public sealed class GridAppTests
{
    [Theory]
    [InlineData("", "grid: no command given; try 'grid --help'")]
    [InlineData("frobnicate", "grid: unknown command 'frobnicate'; commands: primes, pi, transform, bench, kernels, status")]
    [InlineData("primes --bogus 7", "grid: unknown option '--bogus'")]
    [InlineData("kernels --bogus", "grid: unknown option '--bogus'")]
    [InlineData("kernels extra", "grid: unexpected argument 'extra'")]
    [InlineData("primes 12 abc", "grid: 'abc' is not a whole number")]
    [InlineData("primes 99999999999999999999", "grid: '99999999999999999999' is too large (whole numbers go from -9223372036854775808 to 9223372036854775807)")]
    [InlineData("primes", "grid primes: no numbers given; pass numbers, --file or --from/--count")]
    [InlineData("primes --from 10 --count 0", "grid: --count must be a whole number of at least 1; got '0'")]
    [InlineData("primes --from 10 --count -5", "grid: --count must be a whole number of at least 1; got '-5'")]
    [InlineData("primes --from x --count 5", "grid: --from: 'x' is not a whole number")]
    [InlineData("primes --from 10", "grid primes: --from and --count go together")]
    [InlineData("primes 7 --from 10 --count 2", "grid primes: give numbers, --file or --from/--count, not more than one of them")]
    [InlineData("primes --from 9223372036854775807 --count 2", "grid primes: --from 9223372036854775807 --count 2 goes past the largest whole number, 9223372036854775807")]
    [InlineData("primes 7 --timeout -1", "grid: --timeout must be a positive number of seconds; got '-1'")]
    [InlineData("primes 7 --timeout 0", "grid: --timeout must be a positive number of seconds; got '0'")]
    [InlineData("primes 7 --item-timeout soon", "grid: --item-timeout must be a positive number of seconds; got 'soon'")]
    [InlineData("primes 7 --item-timeout 1e9", "grid: --item-timeout must be at most 2592000 seconds (30 days); got '1e9'")]
    [InlineData("--workers 0 primes 7", "grid: --workers must be a whole number from 1 to 4096; got '0'")]
    [InlineData("primes 7 --workers many", "grid: --workers must be a whole number from 1 to 4096; got 'many'")]
    [InlineData("pi", "grid: option '--samples' is required")]
    [InlineData("pi --samples 0", "grid: --samples must be a whole number of at least 1; got '0'")]
    [InlineData("pi --samples 1000 --chunk -1", "grid: --chunk must be a whole number of at least 1; got '-1'")]
    [InlineData("bench --kernel nope", "grid bench: unknown kernel 'nope'; known kernels: is-prime, monte-carlo-pi")]
    [InlineData("bench --items 0", "grid: --items must be a whole number of at least 1; got '0'")]
    [InlineData("transform /no/such/grid/folder out", "grid transform: input folder '/no/such/grid/folder' does not exist")]
    public async Task RunAsync_BadArguments_ExitsTwoWithOneErrorLine(string commandLine, string expected)
    {
        var result = await CliRunner.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([expected], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task RunAsync_MissingTransformFolders_ExitsTwoWithOneLineStartingGrid()
    {
        var result = await CliRunner.RunAsync("transform");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_ExitsZeroAndDocumentsExitCodes()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("Exit codes: 0 the job completed and every item succeeded; 1 some items failed", result.Out.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData("primes")]
    [InlineData("pi")]
    [InlineData("transform")]
    [InlineData("bench")]
    [InlineData("kernels")]
    public async Task RunAsync_CommandHelp_ListsGlobalOptions(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        foreach (var option in new[] { "--json", "--workers", "--item-timeout", "--timeout", "--ordered" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeStart_Exits130()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await CliRunner.RunAsync(["primes", "7"], cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Equal(["grid: cancelled"], result.ErrorLines);
    }
}
