using Grid.Tests.TestKernels;

namespace Grid.Tests.Cli;

/// <summary>Two grid commands on one machine at once, each with its embedded silo: no fixed port, so neither waits for or breaks the other.</summary>
[Trait("Category", "Process")]
public sealed class TwoGridProcessesTests
{
    [Fact]
    public async Task Primes_TwoGridProcessesAtOnce_BothPrintEveryVerdictAndExitZero()
    {
        // Neither inherits a cluster from the test run's environment: both start embedded silos.
        var embedded = new Dictionary<string, string> { ["GRID_CLUSTER"] = string.Empty, ["GRID_CLUSTER_NAME"] = string.Empty };
        using var first = await GridProcess.StartAsync(embedded, "--json", "primes", "--from", "1000", "--count", "500");
        using var second = await GridProcess.StartAsync(embedded, "--json", "primes", "--from", "2000", "--count", "500");
        var outputs = await Task.WhenAll(first.StandardOutput.ReadToEndAsync(), second.StandardOutput.ReadToEndAsync()).WaitAsync(TestLimits.Hang);
        var errors = await Task.WhenAll(first.StandardError.ReadToEndAsync(), second.StandardError.ReadToEndAsync()).WaitAsync(TestLimits.Hang);
        await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync()).WaitAsync(TestLimits.Hang);

        Assert.True(first.ExitCode == 0, errors[0]);
        Assert.True(second.ExitCode == 0, errors[1]);
        Assert.Equal(PrimesBetween(1000, 1500), Verdicts(outputs[0]));
        Assert.Equal(PrimesBetween(2000, 2500), Verdicts(outputs[1]));
    }

    // The result lines of the --json output whose value is true: the primes.
    private static int Verdicts(string output) => output.Split('\n').Count(line => line.Contains("\"value\":true", StringComparison.Ordinal));

    private static int PrimesBetween(long from, long to)
    {
        var count = 0;
        for (var n = from; n < to; n++)
        {
            count += Grid.Tests.Cluster.ClusterWorkload.IsPrime(n) ? 1 : 0;
        }

        return count;
    }
}
