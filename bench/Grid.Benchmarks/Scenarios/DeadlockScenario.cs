using Grid.Benchmarks.Grains;
using Grid.Client;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Deadlock detection: the time from the call that closes a two-grain cycle to that call's failure, measured inside the grain that makes it.</summary>
internal sealed class DeadlockScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "deadlock";

    /// <inheritdoc />
    public string Description => "A -> B -> A call cycles: time from the closing call to its DeadlockException [--warmup 2000] [--cycles 20000] [--pairs 100]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var warmUp = args.GetInt64("warmup", 2_000);
        var cycles = checked((int)args.GetInt64("cycles", 20_000));
        var pairs = checked((int)args.GetInt64("pairs", 100));
        args.ThrowIfUnknownOptions();
        if (cycles < 1 || pairs < 1)
        {
            throw new ArgumentException("--cycles and --pairs must be positive.");
        }

        await using var client = await GridClient.StartEmbeddedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Measure.Header($"deadlock: {cycles} sequential A -> B -> A cycles over {pairs} grain pairs after {warmUp} warm-up cycles", workers: null);

        var undetected = 0L;
        for (long i = 0; i < warmUp; i++)
        {
            undetected += await CycleAsync(client, (int)(i % pairs), cancellationToken).ConfigureAwait(false) < 0 ? 1 : 0;
        }

        var gc = GcSnapshot.Take();
        var micros = new double[cycles];
        for (var i = 0; i < cycles; i++)
        {
            var ticks = await CycleAsync(client, i % pairs, cancellationToken).ConfigureAwait(false);
            undetected += ticks < 0 ? 1 : 0;
            micros[i] = Measure.TicksToMicroseconds(Math.Max(ticks, 0));
        }

        Array.Sort(micros);
        Measure.Line("range", $"min {micros[0]:F1} us, max {micros[^1]:F1} us, mean {micros.Average():F1} us");
        Measure.Line("garbage collector", Measure.DescribeGc(gc, cycles));
        ResultLine[] results =
        [
            Measure.Report("deadlock.median", Measure.Percentile(micros, 50), "us", "-", "closing call to failure, median"),
            Measure.Report("deadlock.p99", Measure.Percentile(micros, 99), "us", "<10000", "closing call to failure, p99"),
            Measure.Report("deadlock.max", micros[^1], "us", "-", "closing call to failure, max"),
            Measure.Report("deadlock.undetected", undetected, "cycles", "=0", "cycles not reported"),
        ];
        Measure.PrintResults(results);
        return undetected == 0 ? 0 : 1;
    }

    private static Task<long> CycleAsync(GridClient client, int pair, CancellationToken cancellationToken)
        => client.GrainFactory.GetGrain<ICycleGrain>($"a{pair}").OpenAsync($"b{pair}").WaitAsync(cancellationToken);
}
