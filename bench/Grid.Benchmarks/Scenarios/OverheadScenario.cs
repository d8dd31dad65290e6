using System.Diagnostics;
using System.Globalization;
using Grid.Benchmarks.Kernels;
using Grid.Client;
using Grid.Jobs;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Per-item overhead: a million no-op items through one map, timed end to end.</summary>
internal sealed class OverheadScenario : IScenario
{
    private const long WarmUpItems = 20_000;

    /// <inheritdoc />
    public string Name => "overhead";

    /// <inheritdoc />
    public string Description => "1,000,000 no-op items through Map: wall time and per-item overhead [--items 1000000] [--repeat 5] [--workers cores]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 1_000_000);
        var repeat = checked((int)args.GetInt64("repeat", 5));
        var workers = args.GetOptionalInt64("workers");
        args.ThrowIfUnknownOptions();

        await using var client = await BenchClient.StartAsync(workers, cancellationToken).ConfigureAwait(false);
        Measure.Header($"overhead: {items:N0} items through the '{NoOpKernel.Name}' kernel", workers);
        await RunAsync(client, WarmUpItems, cancellationToken).ConfigureAwait(false);

        // The job's path is JIT-compiled in tiers as it runs: the first full runs are slower, so the first is reported as the
        // cold figure and the timed runs start after two of them.
        var cold = await RunAsync(client, items, cancellationToken).ConfigureAwait(false);
        Measure.Line("cold run", string.Create(CultureInfo.InvariantCulture, $"{cold.Wall.TotalSeconds:F3} s (the first full run on a fresh silo, not in the median)"));
        await RunAsync(client, items, cancellationToken).ConfigureAwait(false);

        var cpu = CpuSample.Take();
        var runs = new List<Run>(repeat);
        for (var i = 0; i < repeat; i++)
        {
            var run = await RunAsync(client, items, cancellationToken).ConfigureAwait(false);
            runs.Add(run);
            Measure.Line(
                $"run {i + 1}",
                string.Create(CultureInfo.InvariantCulture, $"{run.Wall.TotalSeconds:F3} s; first result after {run.FirstResult.TotalMilliseconds:F1} ms; job wall {run.Summary.WallTime.TotalSeconds:F3} s, worker busy {run.Summary.BusyTime.TotalSeconds:F3} s over {run.Summary.Workers.Count} workers, {run.Summary.Workers.Sum(w => w.Chunks)} chunks; {run.Gc}; {run.Tally}"));
        }

        var wall = Measure.Median(runs.Select(r => r.Wall.TotalSeconds));
        var errors = runs.Sum(r => r.Tally.Errors);
        var use = CpuSample.CoresSince(cpu);
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        ResultLine[] results =
        [
            Measure.Report("overhead.wall", wall, "s", "<0.5", "wall time (median)"),
            Measure.Report("overhead.wall-cold", cold.Wall.TotalSeconds, "s", "-", "wall time of the first full run"),
            Measure.Report("overhead.per-item", wall * 1_000_000 / items, "us", "-", "per-item overhead"),
            Measure.Report("overhead.items-per-second", items / wall, "items/s", "-", "throughput"),
            Measure.Report("overhead.not-exactly-once", errors, "items", "=0", "missing, duplicate or wrong"),
            Measure.Report("overhead.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU"),
        ];
        Measure.PrintResults(results);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<Run> RunAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        var tally = new ItemTally(items);
        var gc = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        var firstResult = TimeSpan.Zero;
        var job = client.Map<long, long>(NoOpKernel.Name, BenchClient.Sequence(items), cancellationToken: cancellationToken);
        await foreach (var result in job.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (tally.Received == 0)
            {
                firstResult = Stopwatch.GetElapsedTime(start);
            }

            tally.Add(result);
        }

        var summary = await job.Summary.ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start);
        return new Run(wall, firstResult, summary, tally, Measure.DescribeGc(gc, items));
    }

    private sealed record Run(TimeSpan Wall, TimeSpan FirstResult, JobSummary Summary, ItemTally Tally, string Gc);
}
