using System.Diagnostics;
using System.Globalization;
using Grid.Benchmarks.Kernels;
using Grid.Client;
using Grid.Diagnostics;
using Grid.Hosting.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Benchmarks.Scenarios;

/// <summary>What tracing costs on the million-item map: a plain silo against one exporting over OTLP, and the instrumentation's own cost when nobody listens.</summary>
internal sealed class TracingScenario : IScenario
{
    private const long WarmUpItems = 20_000;

    // The instrumentation calls timed per chunk for the no-listener estimate: enough to make a microsecond-scale figure exact.
    private const int ProbeIterations = 2_000_000;

    /// <inheritdoc />
    public string Name => "tracing";

    /// <inheritdoc />
    public string Description => "1,000,000 no-op items through Map with and without OTLP export to a loopback receiver: throughput cost of tracing [--items 1000000] [--rounds 31] [--grain-calls false|true] [--workers cores]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 1_000_000);
        var rounds = checked((int)args.GetInt64("rounds", 31));
        var workers = args.GetOptionalInt64("workers");
        var grainCalls = !string.Equals(args.GetString("grain-calls", "false"), "false", StringComparison.OrdinalIgnoreCase);
        args.ThrowIfUnknownOptions();

        Measure.Header($"tracing: {items:N0} items through the '{NoOpKernel.Name}' kernel, plain silo vs. OTLP export, {rounds} interleaved rounds", workers);
        Measure.Line("plain", "no OTLP endpoint: OpenTelemetry's providers subscribe to nothing, so nothing listens to Grid's or Orleans' sources or meters");
        Measure.Line("exporting", $"OtlpEndpoint set to a loopback OTLP/HTTP receiver that reads and discards: every span and metric is serialised and sent (Orleans' grain-call spans {(grainCalls ? "included" : "left out")})");
        Measure.Line("order", "after one untimed round of each mode, each round starts a fresh silo per mode, warms it up with 20,000 items, then times one map; the order alternates (AB, BA, ...)");

        using var receiver = DiscardingOtlpReceiver.Start();

        // One untimed round of each mode first, so the JIT has compiled both paths before either is timed.
        foreach (var endpoint in new[] { null, receiver.Endpoint })
        {
            await RunSiloAsync(endpoint, grainCalls, workers, items, cancellationToken).ConfigureAwait(false);
        }

        Measure.Line("warm-up", "one untimed round of each mode done");
        var cpu = CpuSample.Take();
        var plain = new List<Run>(rounds);
        var exporting = new List<Run>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var export in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var run = await RunSiloAsync(export ? receiver.Endpoint : null, grainCalls, workers, items, cancellationToken).ConfigureAwait(false);
                (export ? exporting : plain).Add(run);
                Measure.Line(
                    $"round {round + 1} {(export ? "exporting" : "plain")}",
                    string.Create(CultureInfo.InvariantCulture, $"{run.Wall.TotalSeconds:F3} s, {items / run.Wall.TotalSeconds:N0} items/s, {run.Chunks} chunks; {run.Gc}; {run.Tally}{run.Export}"));
            }
        }

        var use = CpuSample.CoresSince(cpu);
        var plainWall = Measure.Median(plain.Select(r => r.Wall.TotalSeconds));
        var exportWall = Measure.Median(exporting.Select(r => r.Wall.TotalSeconds));
        var plainRate = items / plainWall;
        var exportRate = items / exportWall;
        var exporterCost = (1 - (exportRate / plainRate)) * 100;
        var spread = (plain.Max(r => r.Wall.TotalSeconds) - plain.Min(r => r.Wall.TotalSeconds)) / plainWall * 100;

        // The machine's speed drifts from round to round by more than the cost looked for, so each exporting run's throughput is also set
        // against the plain run of its own round, which ran next to it: the median of those ratios, and the middle half of them.
        var paired = plain.Zip(exporting, (p, e) => (1 - (p.Wall.TotalSeconds / e.Wall.TotalSeconds)) * 100).Order().ToArray();
        var pairedCost = Measure.Median(paired);
        var pairedLow = Measure.Percentile(paired, 25);
        var pairedHigh = Measure.Percentile(paired, 75);

        var probeNs = InstrumentationNanosecondsPerChunk();
        var chunks = Measure.Median(plain.Select(r => (double)r.Chunks));
        var noListenerCost = probeNs * chunks / (plainWall * 1e9) * 100;

        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        Measure.Line("receiver", string.Create(CultureInfo.InvariantCulture, $"{receiver.Requests} export requests, {Measure.ToMegabytes(receiver.Bytes):F1} MB"));
        Measure.Line("export cost, round by round", string.Create(CultureInfo.InvariantCulture, $"median {pairedCost:F1} % of the rounds' own plain runs, middle half {pairedLow:F1} % to {pairedHigh:F1} %"));
        Measure.Line("plain rounds spread", string.Create(CultureInfo.InvariantCulture, $"{spread:F1} % of the median (max - min): differences below this are noise"));
        Measure.Line(
            "no-listener cost, how",
            string.Create(CultureInfo.InvariantCulture, $"Grid's instrumentation is per chunk, not per item; with nobody listening a chunk's calls into it (span starts that return null, counter adds, histogram records, caller-span captures) take {probeNs:F0} ns in a loop, times {chunks:N0} chunks, over the plain median wall time. A build without instrumentation would be needed to measure it end to end; this bounds it instead."));
        var errors = plain.Concat(exporting).Sum(r => r.Tally.Errors);
        var failedSpans = exporting.Sum(r => r.FailedSpans);
        var listened = plain.Count(r => r.Listened);
        ResultLine[] results =
        [
            Measure.Report("tracing.items-per-second-plain", plainRate, "items/s", "-", "throughput, plain (median)"),
            Measure.Report("tracing.items-per-second-exporter", exportRate, "items/s", "-", "throughput, exporting (median)"),
            Measure.Report("tracing.overhead-exporter", exporterCost, "%", "<=5", "throughput lost to export"),
            Measure.Report("tracing.overhead-exporter-by-round", pairedCost, "%", "-", "export cost, median of the rounds' ratios"),
            Measure.Report("tracing.overhead-no-listener", noListenerCost, "%", "<1", "instrumentation, nobody listening"),
            Measure.Report("tracing.failed-spans", failedSpans, "spans", "=0", "spans the exporter could not send"),
            Measure.Report("tracing.plain-runs-with-listener", listened, "runs", "=0", "plain runs that found a listener"),
            Measure.Report("tracing.not-exactly-once", errors, "items", "=0", "missing, duplicate or wrong"),
            Measure.Report("tracing.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU"),
        ];
        Measure.PrintResults(results);
        return errors == 0 && listened == 0 ? 0 : 1;
    }

    private static async Task<Run> RunSiloAsync(Uri? endpoint, bool grainCalls, long? workers, long items, CancellationToken cancellationToken)
    {
        await using var client = await GridClient.StartEmbeddedAsync(
            silo =>
            {
                if (workers is { } n)
                {
                    silo.Configure(o => o.MaxLocalWorkers = checked((int)n));
                }

                silo.AddKernel<NoOpKernel>(NoOpKernel.Name);
                if (endpoint is not null)
                {
                    silo.Services.Configure<TelemetryOptions>(o =>
                    {
                        o.OtlpEndpoint = endpoint;
                        o.ServiceName = "grid-bench";
                        o.GrainCalls = grainCalls;
                    });
                }
            },
            cancellationToken).ConfigureAwait(false);

        // A plain run must find nobody listening: the previous round's exporter has to be gone with its silo.
        var listened = GridDiagnostics.Jobs.HasListeners();
        await BenchClient.MapNoOpAsync(client, WarmUpItems, cancellationToken).ConfigureAwait(false);

        var gc = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        var (tally, summary) = await BenchClient.MapNoOpAsync(client, items, cancellationToken).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start);
        var gcText = Measure.DescribeGc(gc, items);

        var export = string.Empty;
        long failed = 0;
        if (endpoint is not null)
        {
            var exporter = client.SiloServices!.GetRequiredService<TelemetryExporter>();
            var flush = Stopwatch.GetTimestamp();
            var flushed = exporter.ForceFlush();
            failed = exporter.FailedSpans;
            export = string.Create(CultureInfo.InvariantCulture, $"; flush after the run {Stopwatch.GetElapsedTime(flush).TotalMilliseconds:F0} ms{(flushed ? string.Empty : " (timed out)")}, {failed} spans failed");
        }

        return new Run(wall, summary.Workers.Sum(w => w.Chunks), tally, gcText, export, failed, endpoint is null && listened);
    }

    /// <summary>Times, with nobody listening, the calls one chunk makes into Grid's instrumentation, as JobGrain, WorkerGrain and the runtime make them.</summary>
    private static double InstrumentationNanosecondsPerChunk()
    {
        if (GridDiagnostics.Kernels.HasListeners() || GridDiagnostics.Jobs.HasListeners())
        {
            return double.NaN;
        }

        var kernel = new KeyValuePair<string, object?>(GridTags.Kernel, NoOpKernel.Name);
        var ok = new KeyValuePair<string, object?>(GridTags.ItemStatus, "ok");
        var name = NoOpKernel.Name;
        long sink = 0;
        long Once()
        {
            // Three grain calls per chunk (the job's call to a worker, a result read, an input push) each capture the caller's span.
            var parents = (Activity.Current?.Context ?? default) == default ? 0 : 1;
            parents += (Activity.Current?.Context ?? default) == default ? 0 : 1;
            parents += (Activity.Current?.Context ?? default) == default ? 0 : 1;

            // The worker: its kernel span (the name is built before the source finds nobody listening) and item counters.
            using var activity = GridDiagnostics.Kernels.StartActivity($"grid.kernel {name}", ActivityKind.Internal);
            GridDiagnostics.ItemsStarted.Add(100, kernel);
            GridDiagnostics.ItemsCompleted.Add(100, kernel, ok);

            // The job: chunk span check, ambient span save and restore, and the chunk histograms.
            var previous = Activity.Current;
            var chunk = GridDiagnostics.StartDetached(GridDiagnostics.Jobs, "grid.chunk", ActivityKind.Internal, default);
            Activity.Current = previous;
            GridDiagnostics.ChunkDuration.Record(0.001, kernel);
            GridDiagnostics.ChunkQueueWait.Record(0.0001, kernel);
            return parents + (activity is null ? 0 : 1) + (chunk is null ? 0 : 1);
        }

        for (var i = 0; i < ProbeIterations / 10; i++)
        {
            sink += Once();
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < ProbeIterations; i++)
        {
            sink += Once();
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        GC.KeepAlive(sink);
        return elapsed.TotalNanoseconds / ProbeIterations;
    }

    private sealed record Run(TimeSpan Wall, long Chunks, ItemTally Tally, string Gc, string Export, long FailedSpans, bool Listened);
}
