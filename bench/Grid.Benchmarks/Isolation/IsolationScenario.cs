using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grid.Client;
using Grid.Diagnostics;
using Grid.Kernels;

namespace Grid.Benchmarks.Isolation;

/// <summary>Process isolation's costs: per-item overhead of a trivial isolated kernel with chunking (beside Python's <c>multiprocessing.Pool</c>), a sequential call's round trip, and how soon a 1 s hard limit frees the worker of a spinning kernel.</summary>
internal sealed class IsolationScenario : IScenario
{
    private const string Isolated = "bench-isolated";
    private const string IsolatedHard = "bench-isolated-hard";
    private const string InProcessHard = "bench-inprocess-hard";
    private static readonly TimeSpan HardLimit = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public string Name => "isolation";

    /// <inheritdoc />
    public string Description => "process-isolated kernels: per-item overhead with chunking vs Python Pool, SubmitAsync round trip, 1 s hard limit on a spinning kernel [--items 200000] [--calls 2000] [--repeat 3] [--workers cores] [--python python3]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 200_000);
        var calls = checked((int)args.GetInt64("calls", 2000));
        var repeat = checked((int)args.GetInt64("repeat", 3));
        var workers = checked((int)(args.GetOptionalInt64("workers") ?? Environment.ProcessorCount));
        var python = args.GetString("python", "python3");
        args.ThrowIfUnknownOptions();

        await using var client = await GridClient.StartEmbeddedAsync(
            silo => silo
                .Configure(o => o.MaxLocalWorkers = workers)
                .AddKernel<IsolationBenchKernel>(Isolated, o => o.Isolation = KernelIsolation.Process)
                .AddKernel<IsolationBenchKernel>(IsolatedHard, o => (o.Isolation, o.HardTimeout) = (KernelIsolation.Process, HardLimit))
                .AddKernel<IsolationBenchKernel>(InProcessHard, o => o.HardTimeout = HardLimit),
            cancellationToken).ConfigureAwait(false);
        Measure.Header($"isolation: {items:N0} trivial items through a process-isolated kernel, {calls:N0} sequential calls, a spinning kernel under a 1 s hard limit", workers);

        await MapAsync(client, 20_000, cancellationToken).ConfigureAwait(false);
        var cpu = CpuSample.Take();
        var walls = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var wall = await MapAsync(client, items, cancellationToken).ConfigureAwait(false);
            walls.Add(wall);
            Measure.Line($"map run {i + 1}", string.Create(CultureInfo.InvariantCulture, $"{wall:F3} s, {wall * 1e6 / items:F2} us per item"));
        }

        var perItem = Measure.Median(walls) * 1e6 / items;
        Measure.Line("CPU while mapping", CpuSample.Describe(CpuSample.CoresSince(cpu)));

        var roundTrips = await SubmitAsync(client, calls, cancellationToken).ConfigureAwait(false);
        Measure.Line("SubmitAsync round trip", string.Create(CultureInfo.InvariantCulture, $"median {roundTrips.Median:F1} us, p99 {roundTrips.P99:F1} us over {calls:N0} calls"));

        var pythonChunk1 = await PythonAsync(python, Math.Min(items, 50_000), workers, 1, cancellationToken).ConfigureAwait(false);
        var pythonChunked = await PythonAsync(python, items, workers, Math.Max(1, (int)(items / (workers * 4))), cancellationToken).ConfigureAwait(false);
        Measure.Line("Python Pool chunksize=1", pythonChunk1 is { } p1 ? $"{p1:F2} us per item" : "not run (no python3)");
        Measure.Line("Python Pool default chunks", pythonChunked is { } pc ? $"{pc:F2} us per item" : "not run (no python3)");

        // A worker's kernel span starts the moment it takes a chunk: that is when it is free again.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GridDiagnostics.Kernels.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => KernelSpanStarts.Enqueue(Stopwatch.GetTimestamp()),
        };
        ActivitySource.AddActivityListener(listener);
        var freedIsolated = new List<(double Taken, double Running)>();
        var freedInProcess = new List<(double Taken, double Running)>();
        for (var i = 0; i < repeat; i++)
        {
            // Spins for 10 minutes unless killed.
            freedIsolated.Add(await FreedAfterAsync(client, IsolatedHard, -600_000, workers, cancellationToken).ConfigureAwait(false));
        }

        for (var i = 0; i < repeat; i++)
        {
            // An abandoned in-process call cannot be stopped: it spins for 1.5 s, and the next run waits until it has ended.
            freedInProcess.Add(await FreedAfterAsync(client, InProcessHard, -1500, workers, cancellationToken).ConfigureAwait(false));
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        Measure.Line("hard limit, process", Describe(freedIsolated) + " (next item's kernel running in the new worker process)");
        Measure.Line("hard limit, in process", Describe(freedInProcess));

        ResultLine[] results =
        [
            Measure.Report("isolation.per-item", perItem, "us", "<50", "per-item overhead, isolated, chunked"),
            Measure.Report("isolation.items-per-second", 1e6 / perItem, "items/s", "-", "isolated throughput"),
            Measure.Report("isolation.submit-median", roundTrips.Median, "us", "-", "isolated SubmitAsync round trip"),
            Measure.Report("isolation.python-pool-chunksize-1", pythonChunk1 ?? double.NaN, "us", "-", "Python Pool, chunksize 1"),
            Measure.Report("isolation.python-pool-chunked", pythonChunked ?? double.NaN, "us", "-", "Python Pool, items/(4 x workers)"),
            Measure.Report("isolation.hard-limit-freed-process", freedIsolated.Max(f => f.Taken), "s", "<1.2", "1 s hard limit: worker takes its next item (max)"),
            Measure.Report("isolation.hard-limit-next-running-process", freedIsolated.Max(f => f.Running), "s", "-", "... next item running in the new process (max)"),
            Measure.Report("isolation.hard-limit-freed-in-process", freedInProcess.Max(f => f.Taken), "s", "<1.2", "same, in process (max)"),
        ];
        Measure.PrintResults(results);
        return 0;
    }

    private static async Task<double> MapAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        var tally = new ItemTally(items);
        var start = Stopwatch.GetTimestamp();
        await foreach (var result in client.Map<long, long>(Isolated, BenchClient.Sequence(items), cancellationToken: cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            tally.Add(result);
        }

        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return tally.Errors == 0 ? wall : throw new InvalidOperationException($"The isolated map lost or broke items: {tally}.");
    }

    private static async Task<(double Median, double P99)> SubmitAsync(GridClient client, int calls, CancellationToken cancellationToken)
    {
        var micros = new double[calls];
        for (var i = 0; i < 200; i++)
        {
            await client.SubmitAsync<long, long>(Isolated, i, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SubmitAsync<long, long>(Isolated, i, cancellationToken: cancellationToken).ConfigureAwait(false);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(micros);
        return (Measure.Median(micros), Measure.Percentile(micros, 99));
    }

    // Every worker gets a spinning item at once, then one stamp item each: a stamp runs only once a worker has walked away from its
    // spinning item, and tells when (the monotonic clock is the machine's, the same in the worker processes).
    private static readonly ConcurrentQueue<long> KernelSpanStarts = new();

    private static string Describe(List<(double Taken, double Running)> runs) => string.Join(", ", runs.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"taken after {r.Taken:F3} s, running after {r.Running:F3} s")));

    private static async Task<(double Taken, double Running)> FreedAfterAsync(GridClient client, string kernel, long spin, int workers, CancellationToken cancellationToken)
    {
        KernelSpanStarts.Clear();
        var start = Stopwatch.GetTimestamp();
        var spins = Enumerable.Range(0, workers).Select(_ => client.SubmitAsync<long, long>(kernel, spin, cancellationToken: cancellationToken)).ToArray();
        var stamps = Enumerable.Range(0, workers).Select(_ => client.SubmitAsync<long, long>(kernel, IsolationBenchKernel.Stamp, cancellationToken: cancellationToken)).ToArray();
        foreach (var spinning in spins)
        {
            try
            {
                await spinning.ConfigureAwait(false);
                throw new InvalidOperationException("A spinning item returned.");
            }
            catch (ItemFailedException exception) when (exception.Error.Type == KernelReasons.HardTimeout)
            {
                // The expected end of a spinning item.
            }
        }

        var latest = (await Task.WhenAll(stamps).ConfigureAwait(false)).Max();
        var taken = KernelSpanStarts.Order().TakeLast(workers).Max();
        return ((taken - start) / (double)Stopwatch.Frequency, (latest - start) / (double)Stopwatch.Frequency);
    }

    private static async Task<double?> PythonAsync(string python, long items, int workers, int chunksize, CancellationToken cancellationToken)
    {
        string[] arguments = [items.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture), chunksize.ToString(CultureInfo.InvariantCulture)];
        var output = await PythonScript.RunAsync(python, Path.Combine("Isolation", "pool_overhead.py"), arguments, cancellationToken).ConfigureAwait(false);
        return output is null ? null : double.Parse(output.Trim().Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
