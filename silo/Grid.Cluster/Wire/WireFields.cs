using Grid.Jobs;

namespace Grid.Cluster.Wire;

/// <summary>Reads and writes the Grid types that several messages carry: item errors and job summaries.</summary>
internal static class WireFields
{
    public static void WriteError(WireWriter writer, ItemError error)
    {
        writer.Byte((byte)error.Status);
        writer.String(error.Type);
        writer.String(error.Message);
        writer.String(error.Detail is { Length: > ChunkResultMessage.MaxDetail } detail ? detail[..ChunkResultMessage.MaxDetail] : error.Detail);
    }

    public static ItemError ReadError(ref WireReader reader)
    {
        var status = reader.Byte("error.status");
        if (status is 0 or > (byte)ItemStatus.Cancelled)
        {
            throw new WireFormatException($"Field 'error.status' is {status}, not an item status of a failed item.");
        }

        return new ItemError((ItemStatus)status, reader.String("error.type"), reader.String("error.message"))
        {
            Detail = reader.OptionalString("error.detail"),
        };
    }

    public static void WriteSummary(WireWriter writer, JobSummary summary)
    {
        writer.Guid(summary.JobId);
        writer.String(summary.Kernel);
        writer.Byte((byte)summary.Outcome);
        writer.VarLong(summary.Total);
        writer.VarLong(summary.Succeeded);
        writer.VarLong(summary.Failed);
        writer.VarLong(summary.TimedOut);
        writer.VarLong(summary.Cancelled);
        writer.TimeSpan(summary.WallTime);
        writer.Count(summary.Workers.Count);
        foreach (var worker in summary.Workers)
        {
            writer.String(worker.Worker);
            writer.VarLong(worker.Chunks);
            writer.VarLong(worker.Items);
            writer.TimeSpan(worker.Busy);
        }

        writer.String(summary.Error);
        var reasons = summary.FailureReasons ?? new Dictionary<string, long>();
        writer.Count(reasons.Count);
        foreach (var (reason, count) in reasons)
        {
            writer.String(reason);
            writer.VarLong(count);
        }

        writer.VarLong(summary.Retries);
        writer.VarLong(summary.TimeoutRetries);
        writer.VarLong(summary.CrashRetries);
    }

    public static JobSummary ReadSummary(ref WireReader reader)
    {
        var jobId = reader.Guid("summary.jobId");
        var kernel = reader.String("summary.kernel");
        var outcome = reader.Byte("summary.outcome");
        if (outcome > (byte)JobOutcome.Failed)
        {
            throw new WireFormatException($"Field 'summary.outcome' is {outcome}, not a job outcome.");
        }

        var total = reader.VarLong("summary.total");
        var succeeded = reader.VarLong("summary.succeeded");
        var failed = reader.VarLong("summary.failed");
        var timedOut = reader.VarLong("summary.timedOut");
        var cancelled = reader.VarLong("summary.cancelled");
        var wall = reader.TimeSpan("summary.wallTime");
        var count = reader.Count("summary.workers", reader.Remaining);
        var workers = new WorkerUsage[count];
        for (var i = 0; i < count; i++)
        {
            workers[i] = new WorkerUsage(reader.String("worker.name"), reader.VarLong("worker.chunks"), reader.VarLong("worker.items"), reader.TimeSpan("worker.busy"));
        }

        var error = reader.OptionalString("summary.error");
        var reasonCount = reader.Count("summary.reasons", reader.Remaining);
        Dictionary<string, long>? reasons = reasonCount == 0 ? null : new(StringComparer.Ordinal);
        for (var i = 0; i < reasonCount; i++)
        {
            reasons![reader.String("reason.name")] = reader.VarLong("reason.count");
        }

        return new JobSummary(jobId, kernel, (JobOutcome)outcome, total, succeeded, failed, timedOut, cancelled, wall, workers)
        {
            Error = error,
            FailureReasons = reasons,
            Retries = reader.VarLong("summary.retries"),
            TimeoutRetries = reader.VarLong("summary.timeoutRetries"),
            CrashRetries = reader.VarLong("summary.crashRetries"),
        };
    }

    /// <summary>Writes an optional retry policy; the job grain that receives it checks its values.</summary>
    public static void WriteRetry(WireWriter writer, RetryPolicy? retry)
    {
        writer.Bool(retry is not null);
        if (retry is null)
        {
            return;
        }

        writer.VarInt(retry.MaxAttempts);
        writer.TimeSpan(retry.InitialDelay);
        writer.Double(retry.BackoffFactor);
        writer.TimeSpan(retry.MaxDelay);
        writer.Count(retry.RetryOn.Count);
        foreach (var type in retry.RetryOn)
        {
            writer.String(type);
        }

        writer.Bool(retry.RetryTimeouts);
        writer.Bool(retry.RetryCrashes);
    }

    public static RetryPolicy? ReadRetry(ref WireReader reader)
    {
        if (!reader.Bool("hasRetry"))
        {
            return null;
        }

        var maxAttempts = reader.VarInt("retry.maxAttempts");
        var initialDelay = reader.TimeSpan("retry.initialDelay");
        var factor = reader.Double("retry.backoffFactor");
        var maxDelay = reader.TimeSpan("retry.maxDelay");
        var types = new string[reader.Count("retry.on", reader.Remaining)];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = reader.String("retry.on.type");
        }

        return new RetryPolicy
        {
            MaxAttempts = maxAttempts,
            InitialDelay = initialDelay,
            BackoffFactor = factor,
            MaxDelay = maxDelay,
            RetryOn = types,
            RetryTimeouts = reader.Bool("retry.timeouts"),
            RetryCrashes = reader.Bool("retry.crashes"),
        };
    }
}
