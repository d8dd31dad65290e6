using System.IO.Compression;
using System.Net;
using Grid.Tests.TestKernels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Diagnostics;

/// <summary>A loopback OTLP/HTTP collector for tests: accepts protobuf exports on <c>/v1/traces</c> and <c>/v1/metrics</c>, decodes their spans
/// and metric points and lets tests wait for what arrived.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedSpan> _spans = [];
    private readonly List<ReceivedMetricPoint> _metricPoints = [];
    private readonly List<string> _decodeErrors = [];
    private readonly WebApplication _app;
    private TaskCompletionSource _arrived = NewSignal();
    private int _traceRequests;
    private int _metricRequests;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>Gets the base address to give the exporter (the signal paths are added to it).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static async Task<OtlpReceiver> StartAsync()
    {
        // The empty builder reads no configuration files and logs nothing: the port is the only setting.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    /// <summary>Gets a copy of every span received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the spans received (checked again on each export), and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(TestLimits.Hang);
        while (true)
        {
            Task arrived;
            IReadOnlyList<ReceivedSpan> spans;
            lock (_lock)
            {
                arrived = _arrived.Task;
                spans = [.. _spans];
            }

            if (condition(spans))
            {
                return spans;
            }

            try
            {
                await arrived.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"The receiver never saw {what} within {TestLimits.Hang}. {Describe()}");
            }
        }
    }

    /// <summary>Waits until a span matching <paramref name="match"/> has arrived, and returns it.</summary>
    public async Task<ReceivedSpan> WaitForSpanAsync(Func<ReceivedSpan, bool> match, string what)
    {
        var spans = await WaitForSpansAsync(s => s.Any(match), what);
        return spans.First(match);
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the metric points received, in the order they came (checked again on
    /// each export), and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedMetricPoint>> WaitForMetricPointsAsync(Func<IReadOnlyList<ReceivedMetricPoint>, bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(TestLimits.Hang);
        while (true)
        {
            Task arrived;
            IReadOnlyList<ReceivedMetricPoint> points;
            lock (_lock)
            {
                arrived = _arrived.Task;
                points = [.. _metricPoints];
            }

            if (condition(points))
            {
                return points;
            }

            try
            {
                await arrived.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"The receiver never saw {what} within {TestLimits.Hang}. {Describe()}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Describe()
    {
        lock (_lock)
        {
            return $"Received {_traceRequests} trace exports ({_spans.Count} spans: {string.Join(", ", _spans.Select(s => s.Name).Distinct().Take(30))}), "
                + $"{_metricRequests} metric exports ({_metricPoints.Count} points: {string.Join(", ", _metricPoints.Select(p => p.Name).Distinct().Take(30))}); "
                + $"decode errors: {(_decodeErrors.Count == 0 ? "none" : string.Join("; ", _decodeErrors))}.";
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (!HttpMethods.IsPost(context.Request.Method) || path is not ("/v1/traces" or "/v1/metrics"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        var source = context.Request.Headers.ContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await using (source)
        {
            await source.CopyToAsync(body, context.RequestAborted);
        }

        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        try
        {
            if (path == "/v1/traces")
            {
                var spans = OtlpDecoder.DecodeTraces(bytes);
                lock (_lock)
                {
                    _traceRequests++;
                    _spans.AddRange(spans);
                }
            }
            else
            {
                var points = OtlpDecoder.DecodeMetrics(bytes);
                lock (_lock)
                {
                    _metricRequests++;
                    _metricPoints.AddRange(points);
                }
            }
        }
        catch (InvalidDataException exception)
        {
            lock (_lock)
            {
                _decodeErrors.Add($"{path}: {exception.Message}");
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            Signal();
            return;
        }

        Signal();

        // An empty body is a valid, empty ExportTraceServiceResponse / ExportMetricsServiceResponse.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    private void Signal()
    {
        TaskCompletionSource arrived;
        lock (_lock)
        {
            arrived = _arrived;
            _arrived = NewSignal();
        }

        arrived.TrySetResult();
    }
}
