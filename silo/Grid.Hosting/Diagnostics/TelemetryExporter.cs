using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Grid.Hosting.Diagnostics;

/// <summary>Exports the silo's traces and metrics over OTLP through OpenTelemetry's hosting (<c>AddOpenTelemetry()</c>), and flushes them when the silo stops.</summary>
/// <remarks>
/// <para>
/// With an endpoint (<see cref="TelemetryOptions.OtlpEndpoint"/> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) the tracer provider subscribes to
/// Grid's sources, Orleans' grain-call sources and the HTTP client's, and the meter provider to Grid's meter, Orleans' and the runtime's;
/// without one they subscribe to nothing, so Grid's spans and instruments cost a flag check.
/// </para>
/// <para>
/// Export runs on the SDK's own thread from a bounded queue: a slow or unreachable collector drops spans and never slows a job.
/// Spans and points it failed to send are counted (<see cref="FailedSpans"/>, <c>grid.telemetry.export.failures</c>) and logged once per thousand.
/// The providers subscribe for the whole process: one exporting silo per process is the intended set-up.
/// </para>
/// </remarks>
public sealed partial class TelemetryExporter : ISiloLifecycleParticipant, IDisposable
{
    /// <summary>The activity sources of Orleans that a job's trace takes in: grain calls, made and taken.</summary>
    public static readonly IReadOnlyList<string> OrleansSourceNames = [ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName];

    /// <summary>The meter of Orleans' own instruments.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    private readonly TelemetryOptions _options;
    private readonly SiloOptions _silo;
    private readonly SiloMonitor _monitor;
    private readonly IServiceProvider _services;
    private readonly ILogger<TelemetryExporter> _logger;
    private BatchActivityExportProcessor? _spanProcessor;
    private Meter? _siloMeter;
    private long _failedSpans;
    private long _failedMetricPoints;

    internal TelemetryExporter(IOptions<TelemetryOptions> options, IOptions<SiloOptions> silo, SiloMonitor monitor, IServiceProvider services, ILogger<TelemetryExporter> logger)
    {
        _options = options.Value;
        _silo = silo.Value;
        _monitor = monitor;
        _services = services;
        _logger = logger;
        var environment = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        Endpoint = _options.OtlpEndpoint ?? (Uri.TryCreate(environment, UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        ServiceName = _options.ServiceName ?? Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "grid-silo";
    }

    /// <summary>Gets the endpoint the silo exports to, or <see langword="null"/> when it exports nothing.</summary>
    public Uri? Endpoint { get; }

    /// <summary>Gets the service name the silo's spans and metrics carry; each silo's name is its <c>service.instance.id</c>.</summary>
    public string ServiceName { get; }

    /// <summary>Gets the spans that could not be sent, or were dropped because the export queue was full.</summary>
    public long FailedSpans => Interlocked.Read(ref _failedSpans) + DroppedSpans();

    /// <summary>Gets the metric points that could not be sent.</summary>
    public long FailedMetricPoints => Interlocked.Read(ref _failedMetricPoints);

    /// <summary>Starts the silo's gauges (for in-process listeners too) and says where it exports.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartGauges();
        if (Endpoint is not null)
        {
            LogExporting(_logger, Endpoint, ServiceName);
        }

        return Task.CompletedTask;
    }

    /// <summary>Sends what is still queued, within one export timeout in all and no later than <paramref name="cancellationToken"/>; the host stops the providers when it is disposed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Endpoint is not null)
        {
            // The (blocking) SDK calls run off the caller's thread.
            var flush = Task.Run(ForceFlush, CancellationToken.None);
            try
            {
                await flush.WaitAsync(_options.ExportTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
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
        if (Endpoint is null)
        {
            return true;
        }

        var deadline = Stopwatch.StartNew();
        var timeout = (int)_options.ExportTimeout.TotalMilliseconds;
        var traces = _services.GetService<TracerProvider>()?.ForceFlush(timeout) ?? true;
        var metrics = _services.GetService<MeterProvider>()?.ForceFlush(Math.Max(0, timeout - (int)deadline.ElapsedMilliseconds)) ?? true;
        return traces && metrics;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _siloMeter?.Dispose();
        _siloMeter = null;
    }

    /// <summary>Subscribes the tracer provider to what a job's trace is made of, and adds the OTLP exporter, when the silo exports traces.</summary>
    internal void ConfigureTracing(TracerProviderBuilder tracing)
    {
        if (Endpoint is null || !_options.Traces)
        {
            return;
        }

        _spanProcessor = new BatchActivityExportProcessor(
            new CountingExporter<Activity>(new OtlpTraceExporter(ExporterOptions("v1/traces")), "traces", OnExportFailed),
            _options.MaxQueuedSpans,
            scheduledDelayMilliseconds: 1000,
            exporterTimeoutMilliseconds: (int)_options.ExportTimeout.TotalMilliseconds,
            maxExportBatchSize: Math.Min(512, _options.MaxQueuedSpans));
        tracing.AddSource([.. GridTelemetry.SourceNames, .. _options.GrainCalls ? OrleansSourceNames : [], "System.Net.Http"]).AddProcessor(_spanProcessor);
    }

    /// <summary>Subscribes the meter provider to Grid's, Orleans' and the runtime's instruments, and adds the OTLP exporter, when the silo exports metrics.</summary>
    internal void ConfigureMetrics(MeterProviderBuilder metrics)
    {
        if (Endpoint is null || !_options.Metrics)
        {
            return;
        }

        metrics
            .AddMeter(GridTelemetry.MeterName, OrleansMeterName, "System.Runtime", "System.Net.Http")
            .AddReader(new PeriodicExportingMetricReader(
                new CountingExporter<Metric>(new OtlpMetricExporter(ExporterOptions("v1/metrics")), "metrics", OnExportFailed),
                (int)_options.MetricInterval.TotalMilliseconds,
                (int)_options.ExportTimeout.TotalMilliseconds));
    }

    /// <summary>Names the service and this silo on every span and metric.</summary>
    internal void ConfigureResource(ResourceBuilder resource) => resource.AddService(ServiceName, serviceInstanceId: _silo.Name);

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
