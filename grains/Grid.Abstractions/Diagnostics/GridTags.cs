namespace Grid.Diagnostics;

/// <summary>The attribute names Grid puts on its spans and measurements.</summary>
public static class GridTags
{
    /// <summary>The kernel name.</summary>
    public const string Kernel = "grid.kernel";

    /// <summary>The job's identity.</summary>
    public const string JobId = "grid.job.id";

    /// <summary>How the job ended.</summary>
    public const string JobOutcome = "grid.job.outcome";

    /// <summary>The chunk's number within its job.</summary>
    public const string ChunkId = "grid.chunk.id";

    /// <summary>The silo's name.</summary>
    public const string Silo = "grid.silo";

    /// <summary>The worker's name.</summary>
    public const string Worker = "grid.worker";

    /// <summary>The grain called.</summary>
    public const string Grain = "grid.grain";

    /// <summary>The number of items.</summary>
    public const string Items = "grid.items";

    /// <summary>The number of items that did not succeed.</summary>
    public const string Failures = "grid.failures";

    /// <summary>The number of items that succeeded.</summary>
    public const string Succeeded = "grid.succeeded";

    /// <summary>The time a chunk waited for a worker, in milliseconds.</summary>
    public const string QueueWaitMs = "grid.queue_wait_ms";

    /// <summary>How an item ended: ok, failed, timed_out or cancelled.</summary>
    public const string ItemStatus = "grid.item.status";

    /// <summary>The telemetry signal: traces or metrics.</summary>
    public const string Signal = "grid.signal";

    /// <summary>Why a request of a fetch or upload job did not succeed (a <c>FetchReasons</c> code), or <c>ok</c>.</summary>
    public const string FetchOutcome = "grid.fetch.outcome";

    /// <summary>The attempts a request of a fetch or upload job took.</summary>
    public const string FetchAttempts = "grid.fetch.attempts";

    /// <summary>The HTTP method of a request (OpenTelemetry's name).</summary>
    public const string HttpMethod = "http.request.method";

    /// <summary>The final HTTP status of a request (OpenTelemetry's name).</summary>
    public const string HttpStatusCode = "http.response.status_code";

    /// <summary>The URL requested (OpenTelemetry's name).</summary>
    public const string Url = "url.full";

    /// <summary>The host requested (OpenTelemetry's name).</summary>
    public const string ServerAddress = "server.address";
}
