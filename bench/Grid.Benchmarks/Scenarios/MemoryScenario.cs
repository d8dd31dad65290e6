using System.Diagnostics;
using System.Globalization;
using Grid.Benchmarks.Kernels;
using Grid.Jobs;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Bounded memory: ten million lazily generated items through one map, results consumed as they arrive, peak RSS read at the end.</summary>
/// <remarks>Peak RSS is per process, so this scenario must run in a process of its own; <c>all</c> starts one for it.</remarks>
internal sealed class MemoryScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public string Description => "10,000,000 lazily generated no-op items through Map: peak RSS and wall time [--items 10000000] [--workers cores]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 10_000_000);
        var workers = args.GetOptionalInt64("workers");
        args.ThrowIfUnknownOptions();

        Measure.Header($"memory: {items.ToString("N0", CultureInfo.InvariantCulture)} lazily generated items through the '{NoOpKernel.Name}' kernel", workers);
        var tally = new ItemTally(items);
        await using var client = await BenchClient.StartAsync(workers, cancellationToken).ConfigureAwait(false);
        var idle = Measure.ResidentBytes();

        var cpu = CpuSample.Take();
        var progress = new InFlightProgress();
        var gc = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        var job = client.Map<long, long>(NoOpKernel.Name, BenchClient.Sequence(items), new() { Progress = progress }, cancellationToken);
        await foreach (var result in job.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            tally.Add(result);
        }

        var summary = await job.Summary.ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start);
        var peak = Measure.PeakResidentBytes();

        Measure.Line("RSS with the silo idle", idle is { } i ? $"{Measure.ToMegabytes(i):F1} MB" : "unavailable");
        Measure.Line("RSS at the end", Measure.ResidentBytes() is { } r ? $"{Measure.ToMegabytes(r):F1} MB" : "unavailable");
        Measure.Line("most items in flight", $"{progress.MaxInFlight:N0} (read but not completed, from progress reports)");
        Measure.Line("job", string.Create(CultureInfo.InvariantCulture, $"outcome {summary.Outcome}, wall {summary.WallTime.TotalSeconds:F3} s, {summary.Workers.Sum(w => w.Chunks)} chunks"));
        Measure.Line("garbage collector", Measure.DescribeGc(gc, items));
        Measure.Line("items", tally.ToString());

        var use = CpuSample.CoresSince(cpu);
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        ResultLine[] results =
        [
            Measure.Report("memory.peak-rss", peak is { } p ? Measure.ToMegabytes(p) : double.NaN, "MB", "<200", "peak RSS (VmHWM)"),
            Measure.Report("memory.wall", wall.TotalSeconds, "s", "-", "wall time"),
            Measure.Report("memory.not-exactly-once", tally.Errors, "items", "=0", "missing, duplicate or wrong"),
            Measure.Report("memory.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU"),
        ];
        Measure.PrintResults(results);
        return tally.Errors == 0 ? 0 : 1;
    }

    /// <summary>Remembers the most items a job had read but not completed, as its progress reports tell it.</summary>
    private sealed class InFlightProgress : IProgress<JobProgress>
    {
        private long _maxInFlight;

        public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

        public void Report(JobProgress value)
        {
            var inFlight = value.Read - value.Completed;
            var seen = Interlocked.Read(ref _maxInFlight);
            while (inFlight > seen)
            {
                var previous = Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        }
    }
}
