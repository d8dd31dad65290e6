using Grid.Client;
using Grid.Diagnostics;
using Grid.Tests.Diagnostics;
using Grid.Tests.TestKernels;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Grid.Tests.Cluster;

/// <summary>A job run on a cluster is one exported trace: the client's map span is its root, and the spans of the job's silo and of the silos that ran its chunks (Grid's and Orleans' grain calls) hang under it, across processes, each naming its silo; a loopback OTLP/HTTP receiver decodes them all.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterTracingTests(RedisFixture broker)
{
    // The client process's service name in the exported trace.
    private const string ClientService = "grid-test-client";

    [Fact]
    public async Task Map_OnTwoSilos_IsOneExportedTraceFromTheClientAndBothSilos()
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        // The client exports too, as an application would with OpenTelemetry: its own map span and the grain calls it makes.
        using var clientTracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(GridTelemetry.ClientSourceName, ActivitySources.ApplicationGrainActivitySourceName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(ClientService))
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(receiver.Endpoint, "v1/traces");
            })
            .Build();
        await using var cluster = await SiloCluster.StartAsync(broker, 2, options => options with
        {
            Settings = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = options.Name,
                ["Grid__Telemetry__GrainCalls"] = "true",
            },
        });
        await using var client = await GridClient.ConnectAsync(cluster.ConnectionString, new ClusterClientOptions { Name = cluster.Name });

        // Slow primes, so that both silos' workers take chunks of the job.
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 16);
        var job = client.Map<long, bool>("is-prime", inputs);
        var results = await job.ReadAllAsync();
        Assert.Equal(inputs.Length, results.Count);
        Assert.True(clientTracing!.ForceFlush(), "the client's spans were not exported");
        var jobId = job.Id.ToString();
        var silosThatRan = results.Select(r => r.Worker[..r.Worker.IndexOf('/', StringComparison.Ordinal)]).ToHashSet();
        var map = await receiver.WaitForSpanAsync(s => s.Name.StartsWith("grid.map", StringComparison.Ordinal) && Equals(s.Attribute(GridTags.JobId), jobId), $"the client's map span of job {jobId}");

        // Each process exports in batches of its own, so wait until every span the test looks at has arrived.
        var spans = await receiver.WaitForSpansAsync(
            all =>
            {
                var inTrace = all.Where(s => s.TraceId == map.TraceId).ToList();
                var kernels = inTrace.Where(s => s.Name.StartsWith("grid.kernel", StringComparison.Ordinal)).ToList();
                var grainCalls = inTrace.Where(IsGrainCallTaken).ToList();
                return inTrace.Any(s => s.Name.StartsWith("grid.job", StringComparison.Ordinal))
                    && kernels.Sum(k => k.Attribute(GridTags.Items) as long? ?? 0) >= inputs.Length
                    && silosThatRan.All(silo => kernels.Any(k => Equals(k.Resource.GetValueOrDefault("service.name"), silo)))
                    && silosThatRan.All(silo => grainCalls.Any(c => Equals(c.Resource.GetValueOrDefault("service.instance.id"), silo)));
            },
            $"the job and kernel spans of job {jobId} from silos {string.Join(", ", silosThatRan)} in the client's trace {map.TraceId}");
        var trace = spans.Where(s => s.TraceId == map.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);

        // The client's map span is the trace's one root, exported by the client.
        Assert.Equal(map, Assert.Single(trace, s => s.IsRoot));
        Assert.Equal(ClientService, map.Resource.GetValueOrDefault("service.name"));

        // The job's silo continued the client's span: its job span's parent is the map span.
        var jobSpan = Assert.Single(trace, s => s.Name.StartsWith("grid.job", StringComparison.Ordinal));
        Assert.Equal(map.SpanId, jobSpan.ParentSpanId);
        Assert.Equal(jobId, jobSpan.Attribute(GridTags.JobId));

        // Orleans' grain-call spans are in the same trace: the call that started the job, made by the client under its map span
        // and taken by the job's silo, and the calls each silo took; every silo span names its silo as service.instance.id.
        var start = Assert.Single(trace, s => IsGrainCallTaken(s) && s.Name.EndsWith("/StartAsync", StringComparison.Ordinal));
        var startCall = byId[start.ParentSpanId];
        Assert.Equal((ReceivedSpan.KindClient, ClientService, map.SpanId), (startCall.Kind, startCall.Resource.GetValueOrDefault("service.name"), startCall.ParentSpanId));
        Assert.Equal(silosThatRan.Order(), trace.Where(IsGrainCallTaken).Select(s => (string)s.Resource["service.instance.id"]!).Distinct().Order());
        Assert.All(trace.Where(s => s.Name.StartsWith("grid.kernel", StringComparison.Ordinal)), k =>
            Assert.StartsWith((string)k.Resource["service.instance.id"]! + "/", (string)k.Attribute(GridTags.Worker)!, StringComparison.Ordinal));

        // Every kernel span, on whichever silo pulled its chunk, hangs under that chunk's span on the job's silo.
        Assert.Equal(cluster.Silos.Count, silosThatRan.Count);
        Assert.All(trace.Where(s => s.Name.StartsWith("grid.kernel", StringComparison.Ordinal)), k =>
        {
            Assert.True(byId.TryGetValue(k.ParentSpanId, out var chunk), $"{k} should hang under a chunk span of the job's silo");
            Assert.Equal("grid.chunk", chunk.Name);
            Assert.Equal(jobSpan.SpanId, chunk.ParentSpanId);
        });
    }

    // A grain call as the silo that took it records it (Orleans' server span).
    private static bool IsGrainCallTaken(ReceivedSpan span)
        => span.Scope == ActivitySources.ApplicationGrainActivitySourceName && span.Kind == ReceivedSpan.KindServer;
}
