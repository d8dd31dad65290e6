using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Client;
using Grid.Diagnostics;
using Grid.Tests.Diagnostics;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A job run on a cluster is one trace: the client's map span is its root, and the spans of the job's silo and of the silos that ran its chunks hang under it, across the broker.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ClusterTracingTests(BrokerFixture broker)
{
    [Fact]
    public async Task Map_OnTwoSilos_IsOneTraceAcrossTheBroker()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var clientSpans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GridTelemetry.ClientSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = clientSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var cluster = await SiloCluster.StartAsync(broker, 2, options => options with
        {
            Settings = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = options.Name,
            },
        });
        await using var client = await GridClient.ConnectAsync(cluster.ConnectionString, new ClusterClientOptions { Name = cluster.Name });

        var job = client.Map<long, bool>("is-prime", [2, 3, 4, 5, 6, 7, 8, 9]);
        var results = await job.ReadAllAsync();
        Assert.Equal(8, results.Count);
        var jobId = job.Id.ToString();
        var map = Assert.Single(clientSpans, s => s.OperationName.StartsWith("grid.map", StringComparison.Ordinal) && Equals(s.GetTagItem(GridTags.JobId), jobId));
        var traceId = map.TraceId.ToHexString();

        // Each silo exports in batches of its own, so wait until every span the test looks at has arrived.
        var spans = await receiver.WaitForSpansAsync(
            all =>
            {
                var inTrace = all.Where(s => s.TraceId == traceId).ToList();
                var ids = inTrace.Select(s => s.SpanId).ToHashSet();
                var work = inTrace.Where(s => s.Name.StartsWith("grid.work", StringComparison.Ordinal)).ToList();
                return new[] { "grid.claim", "grid.job", "grid.kernel" }.All(name => inTrace.Any(s => s.Name.StartsWith(name, StringComparison.Ordinal)))
                    && work.Count > 0 && work.All(w => ids.Contains(w.ParentSpanId));
            },
            $"the claim, job, work and kernel spans of job {jobId} in the client's trace {traceId}");
        var trace = spans.Where(s => s.TraceId == traceId).ToList();

        // The job's silo continued the client's span: its claim span's parent is the map span the client sent the job under.
        var claim = Assert.Single(trace, s => s.Name.StartsWith("grid.claim", StringComparison.Ordinal));
        Assert.Equal(map.SpanId.ToHexString(), claim.ParentSpanId);
        Assert.Equal(jobId, Assert.Single(trace, s => s.Name.StartsWith("grid.job", StringComparison.Ordinal)).Attribute(GridTags.JobId));

        // Every chunk was taken from the work queue under the trace as well, and its kernel ran under that.
        var byId = trace.ToDictionary(s => s.SpanId);
        var work = trace.Where(s => s.Name.StartsWith("grid.work", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(work);
        Assert.All(work, w => Assert.True(byId.ContainsKey(w.ParentSpanId), $"{w} should hang under a span of the job's silo"));
        Assert.All(trace.Where(s => s.Name.StartsWith("grid.kernel", StringComparison.Ordinal)), k => Assert.False(k.IsRoot));
    }
}
