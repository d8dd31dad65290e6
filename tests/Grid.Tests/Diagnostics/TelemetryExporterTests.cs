using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Hosting.Diagnostics;
using Grid.TestingHost;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Grid.Tests.Diagnostics;

/// <summary>What a silo exports over OTLP/HTTP, decoded from the wire by a loopback receiver.</summary>
/// <remarks>Activity sources and the meter are process-wide, so the receiver also gets spans and points of tests running alongside: each
/// test picks out its own trace by job id or trace id, and its own points by a kernel name only it uses or by its silo's name.</remarks>
[Trait("Category", "Fast")]
public sealed class TelemetryExporterTests(ExportingClusterFixture fixture) : IClassFixture<ExportingClusterFixture>
{
    private const string MapName = "grid.map is-prime";
    private const string JobName = "grid.job is-prime";
    private const string ChunkName = "grid.chunk";
    private const string KernelName = "grid.kernel is-prime";

    private static readonly KeyValuePair<string, object?> Probe = new(GridTags.Kernel, MetricsProbeKernel.ExportedName);
    private static readonly KeyValuePair<string, object?> Traces = new(GridTags.Signal, "traces");
    private static readonly KeyValuePair<string, object?> Metrics = new(GridTags.Signal, "metrics");

    // The seed article's numbers, plus a negative one that is-prime rejects (at index 6).
    private static readonly long[] Numbers = [112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419, -5];

    private OtlpReceiver Receiver => fixture.Receiver;

    private KeyValuePair<string, object?> Silo => new(GridTags.Silo, fixture.SiloName);

    [Fact]
    public async Task Export_OneJob_ArrivesAsOneTraceWithTheExpectedShape()
    {
        var job = fixture.Client.Map<long, bool>("is-prime", Numbers);
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(7, results.Count);
        Assert.Equal(6, summary.Succeeded);
        Assert.Equal(1, summary.Failed);

        fixture.Exporter.ForceFlush();
        var jobId = job.Id.ToString();
        var map = await Receiver.WaitForSpanAsync(s => s.Name == MapName && Equals(s.Attribute(GridTags.JobId), jobId), $"the {MapName} span of job {jobId}");

        // A worker's turn span ends just after its result is sent, so it may miss the flush: wait until the trace is whole.
        var all = await Receiver.WaitForSpansAsync(spans => IsWhole(InTrace(spans, map.TraceId), 7), $"the whole trace {map.TraceId} of job {jobId}");
        var trace = InTrace(all, map.TraceId);
        var byId = trace.ToDictionary(s => s.SpanId);

        Assert.Equal(ReceivedSpan.KindClient, map.Kind);
        Assert.Equal(map, Assert.Single(trace, s => s.IsRoot));
        Assert.All(all.Where(s => Equals(s.Attribute(GridTags.JobId), jobId)), s => Assert.Equal(map.TraceId, s.TraceId));
        Assert.All(trace, s => Assert.Equal(ExportingClusterFixture.ServiceName, s.Resource.GetValueOrDefault("service.name")));

        var jobSpan = Assert.Single(trace, s => s.Name == JobName);
        Assert.Contains(map, Ancestors(jobSpan, byId));
        Assert.Equal(jobId, jobSpan.Attribute(GridTags.JobId));
        Assert.Equal(7L, jobSpan.Attribute(GridTags.Items));

        // Orleans' spans of the grain call that started the job, made and taken, hang under the map span too (the fixture turns Grid:Telemetry:GrainCalls on).
        var start = trace.Where(s => s.Scope == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName && s.Name.EndsWith("/StartAsync", StringComparison.Ordinal)).ToList();
        Assert.Equal([ReceivedSpan.KindServer, ReceivedSpan.KindClient], start.Select(s => s.Kind).Order());
        Assert.All(start, s => Assert.Contains(map, Ancestors(s, byId)));

        var chunks = trace.Where(s => s.Name == ChunkName).ToList();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(jobSpan.SpanId, c.ParentSpanId));

        var kernels = trace.Where(s => s.Name == KernelName).ToList();
        Assert.All(kernels, k => Assert.Equal(ChunkName, byId[k.ParentSpanId].Name));
        Assert.Equal(7L, kernels.Sum(k => (long)k.Attribute(GridTags.Items)!));

        var failed = Assert.Single(kernels, k => k.StatusCode == ReceivedSpan.StatusError);
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, exception.Attributes.GetValueOrDefault("exception.type"));
        Assert.Equal(6L, exception.Attributes.GetValueOrDefault("grid.item.index"));
        Assert.Equal(1L, failed.Attribute(GridTags.Failures));
    }

    [Fact]
    public async Task Export_SubmitAsync_ProducesClientAndKernelSpansInOneTrace()
    {
        // The caller's own span (not exported) gives the call a trace id of its own among the other tests' spans.
        using var caller = new Activity("export test caller");
        caller.SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        caller.Start();
        bool verdict;
        try
        {
            verdict = await fixture.Client.SubmitAsync<long, bool>("is-prime", 97).WaitAsync(TestLimits.Hang);
        }
        finally
        {
            caller.Stop();
        }

        Assert.True(verdict);
        fixture.Exporter.ForceFlush();
        var traceId = caller.TraceId.ToHexString();
        var all = await Receiver.WaitForSpansAsync(
            spans => InTrace(spans, traceId) is var trace
                && trace.Any(s => s.Name == "grid.submit is-prime")
                && trace.Any(s => s.Name == KernelName),
            $"the submit and kernel spans of trace {traceId}");
        var trace = InTrace(all, traceId);

        var submit = Assert.Single(trace, s => s.Name == "grid.submit is-prime");
        Assert.Equal(ReceivedSpan.KindClient, submit.Kind);
        Assert.Equal(caller.SpanId.ToHexString(), submit.ParentSpanId);
        var kernel = Assert.Single(trace, s => s.Name == KernelName);
        Assert.Equal(submit.SpanId, kernel.ParentSpanId);
        Assert.Equal(1L, kernel.Attribute(GridTags.Items));
        Assert.NotEqual(ReceivedSpan.StatusError, kernel.StatusCode);
        Assert.Equal("Grid.Client", submit.Scope);
        Assert.Equal("Grid.Kernels", kernel.Scope);
    }

    [Fact]
    public async Task Export_OneJob_MetricsCarryItsItemAndChunkCounts()
    {
        // Only this test runs the probe under this name, and only on this silo: its points hold this job's measurements and no others.
        long[] inputs = [1, 2, 3, 4, 5, 6, -1];
        var job = fixture.Client.Map<long, long>(MetricsProbeKernel.ExportedName, inputs);
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(inputs.Length, results.Count);
        Assert.Equal((7L, 6L, 1L), (summary.Total, summary.Succeeded, summary.Failed));
        // Each chunk's results came back in one part, so the chunks the summary counts per worker are the job's chunks.
        var chunks = summary.Workers.Sum(w => w.Chunks);

        // Workers count items before they return a chunk, and the job records a chunk's times before it passes its results on: every
        // export from now on holds all of the job's measurements. The points are cumulative, so the latest of each series tells.
        fixture.Exporter.ForceFlush();
        // An export collected while the job ran holds less; the wait is for one holding at least the job's counts, which then must
        // be exactly them.
        var points = await Receiver.WaitForMetricPointsAsync(
            all => Latest(all, GridInstruments.ItemsStarted, Probe)?.Value >= inputs.Length
                && ByStatus(all, GridInstruments.ItemsCompleted).GetValueOrDefault("ok") >= 6
                && ByStatus(all, GridInstruments.ItemsCompleted).GetValueOrDefault("failed") >= 1
                && ByStatus(all, GridInstruments.ItemsFailed).GetValueOrDefault("failed") >= 1
                && Latest(all, GridInstruments.ChunkDuration, Probe)?.Count >= (ulong)chunks
                && Latest(all, GridInstruments.ChunkQueueWait, Probe)?.Count >= (ulong)chunks
                && Latest(all, GridInstruments.WorkersMax, Silo) is not null
                && Latest(all, GridInstruments.WorkersBusy, Silo) is not null,
            $"the points of job {job.Id}'s kernel and of silo {fixture.SiloName}");

        Assert.Equal(inputs.Length, Latest(points, GridInstruments.ItemsStarted, Probe)!.Value);
        Assert.Equal(new Dictionary<string, double> { ["ok"] = 6, ["failed"] = 1 }, ByStatus(points, GridInstruments.ItemsCompleted));
        Assert.Equal(new Dictionary<string, double> { ["failed"] = 1 }, ByStatus(points, GridInstruments.ItemsFailed));
        var durations = Latest(points, GridInstruments.ChunkDuration, Probe)!;
        Assert.Equal((ReceivedMetricPoint.Histogram, ReceivedMetricPoint.Cumulative, (ulong)chunks), (durations.Kind, durations.Temporality, durations.Count));
        // The chunk times add up, to the tick, to the busy time the summary reports.
        Assert.Equal(summary.BusyTime.Ticks, (long)Math.Round(durations.Value * TimeSpan.TicksPerSecond));
        Assert.Equal((ulong)chunks, Latest(points, GridInstruments.ChunkQueueWait, Probe)!.Count);

        // The gauges belong to a silo, not to a job: the silo's worker count exactly, and its busy workers within it.
        Assert.Equal(ExportingClusterFixture.Workers, Latest(points, GridInstruments.WorkersMax, Silo)!.Value);
        Assert.InRange(Latest(points, GridInstruments.WorkersBusy, Silo)!.Value, 0, ExportingClusterFixture.Workers);
    }

    [Fact]
    public async Task Export_CollectorUnreachable_JobCompletesAndFailedExportsAreCounted()
    {
        using var failures = new GridMeasurements(GridInstruments.ExportFailures);
        await using var cluster = await TestCluster.StartAsync(silo => silo.Services.Configure<TelemetryOptions>(o =>
        {
            // Nothing listens on port 1; a short export timeout only makes the failed flush end sooner. Metrics are exported only when
            // the test flushes them, so their failures all come from that one export.
            o.OtlpEndpoint = new Uri("http://127.0.0.1:1");
            o.ExportTimeout = TimeSpan.FromSeconds(2);
            o.MetricInterval = TimeSpan.FromHours(1);
        }));
        var exporter = cluster.Services.GetRequiredService<TelemetryExporter>();

        var job = cluster.Client.Map<long, bool>("is-prime", Numbers);
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal(7, results.Count);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(7, summary.Total);
        Assert.Equal(6, summary.Succeeded);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(new[] { true, true, true, true, true, false }, results.Where(r => r.IsSuccess).OrderBy(r => r.Index).Select(r => r.Value));
        Assert.Equal(6, Assert.Single(results, r => !r.IsSuccess).Index);

        // The span flush may give up before the exporter's own retries end; the failure counter says when they have. The metric
        // export runs on this call's thread, its failure counted before the call returns.
        exporter.ForceFlush();
        var meters = cluster.Services.GetRequiredService<MeterProvider>();
        await Task.Run(() => meters.ForceFlush()).WaitAsync(TestLimits.Hang);
        await failures.WaitUntilAsync(() => failures.Sum(GridInstruments.ExportFailures, Traces) > 0, "A failed span export");

        // The counter is tagged only with the signal, so it sums the failed exports of every silo in the test process: this silo's
        // exporter counts its own, and this is the only silo sending to a dead collector. Its metric points, exported by the one flush,
        // are all on the counter; its failed spans grow as other tests' spans reach it, so for them only their arrival is certain.
        Assert.True(exporter.FailedMetricPoints > 0, "No metric point failed to export.");
        Assert.True(failures.Sum(GridInstruments.ExportFailures, Metrics) >= exporter.FailedMetricPoints,
            $"{failures.Sum(GridInstruments.ExportFailures, Metrics)} failed metric points counted, the exporter reports {exporter.FailedMetricPoints}.");
        Assert.True(exporter.FailedSpans > 0, "No span failed to export.");
    }

    /// <summary>The latest point received of metric <paramref name="name"/> from the fixture's silo that carries <paramref name="tag"/>, or null.</summary>
    private ReceivedMetricPoint? Latest(IReadOnlyList<ReceivedMetricPoint> points, string name, KeyValuePair<string, object?> tag)
        => points.LastOrDefault(p => p.Name == name && p.Has(tag) && Equals(p.Resource.GetValueOrDefault("service.instance.id"), fixture.SiloName));

    /// <summary>The latest value of each <see cref="GridTags.ItemStatus"/> series of the probe kernel's metric <paramref name="name"/>.</summary>
    private Dictionary<string, double> ByStatus(IReadOnlyList<ReceivedMetricPoint> points, string name)
        => points.Where(p => p.Name == name && p.Has(Probe) && Equals(p.Resource.GetValueOrDefault("service.instance.id"), fixture.SiloName))
            .GroupBy(p => (string)p.Attributes[GridTags.ItemStatus]!)
            .ToDictionary(g => g.Key, g => g.Last().Value);

    private static List<ReceivedSpan> InTrace(IEnumerable<ReceivedSpan> spans, string traceId) => [.. spans.Where(s => s.TraceId == traceId)];

    /// <summary>Whether the job's trace holds its map, job and kernel spans for every item, and every span's parent.</summary>
    private static bool IsWhole(List<ReceivedSpan> trace, long items)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return trace.Any(s => s.Name == MapName)
            && trace.Any(s => s.Name == JobName)
            && trace.Where(s => s.Name == KernelName).Sum(s => s.Attribute(GridTags.Items) as long? ?? 0) >= items
            && trace.All(s => s.IsRoot || ids.Contains(s.ParentSpanId));
    }

    private static List<ReceivedSpan> Ancestors(ReceivedSpan span, Dictionary<string, ReceivedSpan> byId)
    {
        var ancestors = new List<ReceivedSpan>();
        for (var current = span; !current.IsRoot && byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }
}
