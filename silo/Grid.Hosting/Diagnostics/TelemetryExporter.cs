using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grid.Hosting.Diagnostics;

/// <summary>Exports the silo's traces and metrics over OTLP with the OpenTelemetry SDK while the silo runs, and flushes them when it stops.</summary>
/// <remarks>
/// Export runs on the SDK's own thread from a bounded queue: a slow or unreachable collector drops spans and never slows a job.
/// Spans and points it failed to send are counted (<see cref="FailedSpans"/>, <c>grid.telemetry.export.failures</c>).
/// The SDK subscribes to Grid's sources for the whole process: one exporting silo per process is the intended set-up.
/// </remarks>
public sealed partial class TelemetryExporter : ISiloLifecycleParticipant, IDisposable
{
    private readonly TelemetryOptions _options;
    private readonly SiloOptions _silo;
    private readonly SiloMonitor _monitor;
    private readonly ILogger<TelemetryExporter> _logger;
    private OpenTelemetrySdk? _sdk;
    private BatchActivityExportProcessor? _spanProcessor;
    private Meter? _siloMeter;
    private long _failedSpans;
    private long _failedMetricPoints;

    internal TelemetryExporter(IOptions<TelemetryOptions> options, IOptions<SiloOptions> silo, SiloMonitor monitor, ILogger<TelemetryExporter> logger)
    {
        _options = options.Value;
        _silo = silo.Value;
        _monitor = monitor;
        _logger = logger;
    }

    /// <summary>Gets the endpoint the silo exports to, or <see langword="null"/> when it exports nothing.</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>Gets the spans that could not be sent, or were dropped because the export queue was full.</summary>
    public long FailedSpans => Interlocked.Read(ref _failedSpans) + DroppedSpans();

    /// <summary>Gets the metric points that could not be sent.</summary>
    public long FailedMetricPoints => Interlocked.Read(ref _failedMetricPoints);

    /// <summary>Starts the SDK when an endpoint is configured, and the silo's gauges in any case (for in-process listeners).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartGauges();
        var environment = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        Endpoint = _options.OtlpEndpoint ?? (Uri.TryCreate(environment, UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        if (Endpoint is null)
        {
            return Task.CompletedTask;
        }

        var serviceName = _options.ServiceName ?? Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "grid-silo";
        _sdk = OpenTelemetrySdk.Create(builder =>
        {
            builder.ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: _silo.Name));
            if (_options.Traces)
            {
                _spanProcessor = new BatchActivityExportProcessor(
                    new CountingExporter<Activity>(new OtlpTraceExporter(ExporterOptions("v1/traces")), "traces", OnExportFailed),
                    _options.MaxQueuedSpans,
                    scheduledDelayMilliseconds: 1000,
                    exporterTimeoutMilliseconds: (int)_options.ExportTimeout.TotalMilliseconds,
                    maxExportBatchSize: Math.Min(512, _options.MaxQueuedSpans));
                builder.WithTracing(tracing => tracing
                    .AddSource([.. GridTelemetry.SourceNames, "System.Net.Http"])
                    .AddProcessor(_spanProcessor));
            }

            if (_options.Metrics)
            {
                builder.WithMetrics(metrics => metrics
                    .AddMeter(GridTelemetry.MeterName, "System.Runtime", "System.Net.Http")
                    .AddReader(new PeriodicExportingMetricReader(
                        new CountingExporter<Metric>(new OtlpMetricExporter(ExporterOptions("v1/metrics")), "metrics", OnExportFailed),
                        (int)_options.MetricInterval.TotalMilliseconds,
                        (int)_options.ExportTimeout.TotalMilliseconds)));
            }
        });
        LogExporting(_logger, Endpoint, serviceName);
        return Task.CompletedTask;
    }

    /// <summary>Sends what is still queued and stops the SDK, within one export timeout in all and no later than <paramref name="cancellationToken"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sdk is { } sdk)
        {
            // Shutting a provider down flushes it; both share one deadline, and the (blocking) SDK calls run off the caller's thread.
            var shutdown = Task.Run(
                () =>
                {
                    var deadline = Stopwatch.StartNew();
                    var timeout = (int)_options.ExportTimeout.TotalMilliseconds;
                    sdk.TracerProvider.Shutdown(timeout);
                    sdk.MeterProvider.Shutdown(Math.Max(0, timeout - (int)deadline.ElapsedMilliseconds));
                },
                CancellationToken.None);
            try
            {
                await shutdown.WaitAsync(_options.ExportTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                // The collector did not answer in time: what was not sent is lost, and the silo stops anyway.
            }
        }

        Dispose();
    }

    /// <summary>Sends the spans and metrics queued so far; returns whether everything was sent in time.</summary>
    public bool ForceFlush()
    {
        if (_sdk is null)
        {
            return true;
        }

        var timeout = (int)_options.ExportTimeout.TotalMilliseconds;
        var traces = _sdk.TracerProvider.ForceFlush(timeout);
        var metrics = _sdk.MeterProvider.ForceFlush(timeout);
        return traces && metrics;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sdk?.Dispose();
        _sdk = null;
        _siloMeter?.Dispose();
        _siloMeter = null;
    }

    private OtlpExporterOptions ExporterOptions(string signalPath)
    {
        var options = new OtlpExporterOptions { TimeoutMilliseconds = (int)_options.ExportTimeout.TotalMilliseconds };
        if (_options.OtlpProtocol is { } protocol)
        {
            options.Protocol = Enum.Parse<OtlpExportProtocol>(protocol, ignoreCase: true);
        }

        if (_options.OtlpEndpoint is { } endpoint)
        {
            // An endpoint set in code is used as given, so the signal's path is added here (as the SDK does for the variable).
            options.Protocol = _options.OtlpProtocol is null ? OtlpExportProtocol.HttpProtobuf : options.Protocol;
            // Appended, not resolved: a collector behind a path prefix (http://host:4318/otlp) keeps its prefix.
            options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
                : endpoint;
        }

        return options;
    }

    // The SDK counts the spans its batch processor drops on a full queue but does not publish the count; read it when
    // it is there, and count nothing extra when a later SDK renames it.
    private static readonly System.Reflection.PropertyInfo? DroppedCount = typeof(BatchExportProcessor<Activity>)
        .GetProperty("DroppedCount", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);

    private long DroppedSpans() => _spanProcessor is not null && DroppedCount?.GetValue(_spanProcessor) is long dropped ? dropped : 0;

    private void OnExportFailed(string signal, long items)
    {
        var total = signal == "traces" ? Interlocked.Add(ref _failedSpans, items) : Interlocked.Add(ref _failedMetricPoints, items);
        GridDiagnostics.ExportFailures.Add(items, new KeyValuePair<string, object?>(GridTags.Signal, signal));

        // One line for the first failure and then one per thousand items, so a dead collector does not flood the log.
        if (total == items || total / 1000 != (total - items) / 1000)
        {
            LogExportFailed(_logger, signal, Endpoint, total);
        }
    }

    private void StartGauges()
    {
        // One meter per silo, so that a stopped silo's gauges leave with it (tests run many silos in one process).
        var meter = new Meter(GridTelemetry.MeterName);
        var silo = new KeyValuePair<string, object?>(GridTags.Silo, _silo.Name);
        meter.CreateObservableGauge(GridInstruments.WorkersBusy, () => new Measurement<int>(_monitor.GetSnapshot().BusyWorkers, silo), "{worker}");
        meter.CreateObservableGauge(GridInstruments.WorkersIdle, () => Idle(silo), "{worker}");
        meter.CreateObservableGauge(GridInstruments.WorkersMax, () => new Measurement<int>(_monitor.GetSnapshot().MaxWorkers, silo), "{worker}");
        meter.CreateObservableGauge(GridInstruments.MailboxDepth, () => new Measurement<int>(_monitor.GetSnapshot().QueuedCalls, silo), "{call}");
        meter.CreateObservableGauge(GridInstruments.Activations, () => new Measurement<int>(_monitor.GetSnapshot().Activations, silo), "{activation}");
        _siloMeter = meter;
    }

    private Measurement<int> Idle(KeyValuePair<string, object?> silo)
    {
        var snapshot = _monitor.GetSnapshot();
        return new Measurement<int>(snapshot.LiveWorkers - snapshot.BusyWorkers, silo);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Exporting traces and metrics over OTLP to {Endpoint} as service {Service}")]
    private static partial void LogExporting(ILogger logger, Uri endpoint, string service);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Could not export {Signal} to {Endpoint}; {Total} items dropped so far")]
    private static partial void LogExportFailed(ILogger logger, string signal, Uri? endpoint, long total);
}
