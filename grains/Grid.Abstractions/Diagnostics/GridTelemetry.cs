namespace Grid.Diagnostics;

/// <summary>The names under which Grid reports traces and metrics; subscribe to these in an OpenTelemetry setup.</summary>
public static class GridTelemetry
{
    /// <summary>The activity source of jobs and their chunks: <c>grid.job</c> spans and <c>grid.chunk</c> spans (with queue wait).</summary>
    public const string JobsSourceName = "Grid.Jobs";

    /// <summary>The activity source of kernel runs on workers: <c>grid.kernel</c> spans with silo, worker, items and failures.</summary>
    public const string KernelsSourceName = "Grid.Kernels";

    /// <summary>The activity source of the client SDK: <c>grid.map</c> and <c>grid.submit</c> spans, the roots of a job's trace.</summary>
    public const string ClientSourceName = "Grid.Client";

    /// <summary>The activity source of the I/O grain's requests: one <c>grid.fetch</c> span per request, a child of its job's span.</summary>
    public const string FetchSourceName = "Grid.Fetch";

    /// <summary>The meter of every Grid instrument (see <see cref="GridInstruments"/>).</summary>
    public const string MeterName = "Grid";

    /// <summary>Gets every Grid activity source name.</summary>
    public static IReadOnlyList<string> SourceNames { get; } = [JobsSourceName, KernelsSourceName, ClientSourceName, FetchSourceName];
}
