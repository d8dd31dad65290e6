namespace Grid.Hosting.Diagnostics;

/// <summary>Where and how the silo exports its traces and metrics over OTLP, bound from the <c>Grid:Telemetry</c> configuration section.</summary>
/// <remarks>
/// With no endpoint here nor in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, nothing is exported and OpenTelemetry's providers subscribe to no
/// source or meter: Grid's spans and instruments then cost a flag check. The standard <c>OTEL_*</c> variables (protocol, headers, service name) apply as usual.
/// </remarks>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Telemetry";

    /// <summary>Gets or sets the OTLP endpoint, for example <c>http://127.0.0.1:4318</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable, or no export.</value>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the OTLP protocol: <c>HttpProtobuf</c> or <c>Grpc</c>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else HTTP/protobuf when an endpoint is set here.</value>
    public string? OtlpProtocol { get; set; }

    /// <summary>Gets or sets the service name spans and metrics carry.</summary>
    /// <value>The default value is <see langword="null"/>: <c>OTEL_SERVICE_NAME</c>, else <c>grid-silo</c>.</value>
    public string? ServiceName { get; set; }

    /// <summary>Gets or sets whether traces are exported.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Traces { get; set; } = true;

    /// <summary>Gets or sets whether Orleans' grain-call spans (one per call made and one per call taken) are exported with Grid's own.</summary>
    /// <value>The default value is <see langword="false"/>. Grid's job, chunk and kernel spans make a job's trace on their own; the grain calls add where time
    /// went between them, at two spans per call: on a map of a million trivial items that cost 16-27% of throughput here, against under 5% without them.</value>
    public bool GrainCalls { get; set; }

    /// <summary>Gets or sets whether metrics are exported.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Metrics { get; set; } = true;

    /// <summary>Gets or sets how often metrics are exported.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan MetricInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many finished spans wait for export before new ones are dropped (and counted).</summary>
    /// <value>The default value is 8,192.</value>
    public int MaxQueuedSpans { get; set; } = 8192;

    /// <summary>Gets or sets how long one export may take before it is abandoned.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
