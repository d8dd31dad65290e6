using System.Diagnostics;
using Grid.Benchmarks.Kernels;
using Grid.Client;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Round-trip latency: sequential SubmitAsync calls of the no-op kernel, each timed on its own.</summary>
internal sealed class LatencyScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "latency";

    /// <inheritdoc />
    public string Description => "sequential SubmitAsync of the no-op kernel: median, p90, p99 [--warmup 10000] [--calls 50000] [--workers cores]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var warmUp = args.GetInt64("warmup", 10_000);
        var calls = checked((int)args.GetInt64("calls", 50_000));
        var workers = args.GetOptionalInt64("workers");
        args.ThrowIfUnknownOptions();

        await using var client = await BenchClient.StartAsync(workers, cancellationToken).ConfigureAwait(false);
        Measure.Header($"latency: {calls} sequential SubmitAsync calls of the '{NoOpKernel.Name}' kernel after {warmUp} warm-up calls", workers);

        var wrong = 0L;
        for (long i = 0; i < warmUp; i++)
        {
            wrong += await CallAsync(client, i, cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }

        var cpu = CpuSample.Take();
        var micros = new double[calls];
        var gc = GcSnapshot.Take();
        var total = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var ok = await CallAsync(client, i, cancellationToken).ConfigureAwait(false);
            micros[i] = Measure.TicksToMicroseconds(Stopwatch.GetTimestamp() - start);
            wrong += ok ? 0 : 1;
        }

        var elapsed = Stopwatch.GetElapsedTime(total);
        Array.Sort(micros);
        Measure.Line("total", $"{Measure.Seconds(elapsed)} ({calls / elapsed.TotalSeconds:F0} calls/s)");
        Measure.Line("range", $"min {micros[0]:F1} us, max {micros[^1]:F1} us, mean {micros.Average():F1} us");
        Measure.Line("garbage collector", Measure.DescribeGc(gc, calls));

        var use = CpuSample.CoresSince(cpu);
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        ResultLine[] results =
        [
            Measure.Report("latency.median", Measure.Percentile(micros, 50), "us", "<30", "median"),
            Measure.Report("latency.p90", Measure.Percentile(micros, 90), "us", "-", "p90"),
            Measure.Report("latency.p99", Measure.Percentile(micros, 99), "us", "-", "p99"),
            Measure.Report("latency.wrong-values", wrong, "calls", "=0", "calls with a wrong value"),
            Measure.Report("latency.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU"),
        ];
        Measure.PrintResults(results);
        return wrong == 0 ? 0 : 1;
    }

    private static async Task<bool> CallAsync(GridClient client, long input, CancellationToken cancellationToken) =>
        await client.SubmitAsync<long, long>(NoOpKernel.Name, input, cancellationToken: cancellationToken).ConfigureAwait(false) == input + 1;
}
