namespace Grid.Diagnostics;

/// <summary>The names of the instruments of the <see cref="GridTelemetry.MeterName"/> meter.</summary>
public static class GridInstruments
{
    /// <summary>Counter of items handed to kernels, tagged <see cref="GridTags.Kernel"/>.</summary>
    public const string ItemsStarted = "grid.items.started";

    /// <summary>Counter of items with a result, tagged <see cref="GridTags.Kernel"/> and <see cref="GridTags.ItemStatus"/> (ok, failed, timed_out, cancelled).</summary>
    public const string ItemsCompleted = "grid.items.completed";

    /// <summary>Counter of items that did not succeed, tagged <see cref="GridTags.Kernel"/> and <see cref="GridTags.ItemStatus"/>.</summary>
    public const string ItemsFailed = "grid.items.failed";

    /// <summary>Histogram of the time a worker spent on one chunk, in seconds, tagged <see cref="GridTags.Kernel"/>.</summary>
    public const string ChunkDuration = "grid.chunk.duration";

    /// <summary>Histogram of the time a chunk waited for a worker, in seconds, tagged <see cref="GridTags.Kernel"/>.</summary>
    public const string ChunkQueueWait = "grid.chunk.queue_wait";

    /// <summary>Gauge of workers running a chunk, tagged <see cref="GridTags.Silo"/>.</summary>
    public const string WorkersBusy = "grid.workers.busy";

    /// <summary>Gauge of worker activations waiting for a chunk, tagged <see cref="GridTags.Silo"/>.</summary>
    public const string WorkersIdle = "grid.workers.idle";

    /// <summary>Gauge of the most workers the silo runs at once, tagged <see cref="GridTags.Silo"/>.</summary>
    public const string WorkersMax = "grid.workers.max";

    /// <summary>Gauge of calls waiting in all mailboxes of the silo, tagged <see cref="GridTags.Silo"/>.</summary>
    public const string MailboxDepth = "grid.mailbox.depth";

    /// <summary>Gauge of live grain activations (a stateless worker pool counts once), tagged <see cref="GridTags.Silo"/>.</summary>
    public const string Activations = "grid.activations";

    /// <summary>Gauge of jobs running on the silo, tagged <see cref="GridTags.Silo"/>.</summary>
    public const string JobsRunning = "grid.jobs.running";

    /// <summary>Counter of the I/O grain's requests by how they ended, tagged <see cref="GridTags.Kernel"/> (fetch or upload) and <see cref="GridTags.FetchOutcome"/> (ok or the reason).</summary>
    public const string FetchOutcomes = "grid.fetch.outcomes";

    /// <summary>Counter of telemetry items (spans or metric points) an exporter failed to send, tagged <see cref="GridTags.Signal"/>.</summary>
    public const string ExportFailures = "grid.telemetry.export.failures";
}
