using Grid.Jobs;

namespace Grid.Client.Cluster;

/// <summary>Counts the outcome of every item a cluster client delivered, so that a job that was started again after its silo died still gets a summary of all its items.</summary>
internal sealed class ItemCounts
{
    private readonly Dictionary<string, WorkerUsage> _workers = new(StringComparer.Ordinal);
    private long _succeeded;
    private long _failed;
    private long _timedOut;
    private long _cancelled;

    public void Add<T>(ItemResult<T> item)
    {
        switch (item.Status)
        {
            case ItemStatus.Ok: _succeeded++; break;
            case ItemStatus.TimedOut: _timedOut++; break;
            case ItemStatus.Cancelled: _cancelled++; break;
            default: _failed++; break;
        }

        _workers[item.Worker] = _workers.TryGetValue(item.Worker, out var usage)
            ? usage with { Items = usage.Items + 1, Busy = usage.Busy + item.Duration }
            : new WorkerUsage(item.Worker, 0, 1, item.Duration);
    }

    /// <summary>Makes the summary of the whole job from the counts, keeping the last job grain's outcome, error and retry counts.</summary>
    public JobSummary Summarize(JobSummary last, Guid jobId, long total, TimeSpan wallTime) => last with
    {
        JobId = jobId,
        Total = total,
        Succeeded = _succeeded,
        Failed = _failed,
        TimedOut = _timedOut,
        Cancelled = _cancelled,
        WallTime = wallTime,
        Workers = [.. _workers.Values.OrderByDescending(w => w.Busy)],
    };
}
