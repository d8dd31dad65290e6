namespace Grid.Jobs;

/// <summary>The account of a finished job: how it ended, how many items ended which way, how long it took and how busy each worker was.</summary>
/// <param name="JobId">The job's identity.</param>
/// <param name="Kernel">The kernel the job ran.</param>
/// <param name="Outcome">How the job ended.</param>
/// <param name="Total">The items read from the input.</param>
/// <param name="Succeeded">Items whose kernel returned a value.</param>
/// <param name="Failed">Items whose kernel threw or whose input was rejected.</param>
/// <param name="TimedOut">Items stopped by a time limit.</param>
/// <param name="Cancelled">Items dropped or stopped by cancellation.</param>
/// <param name="WallTime">Time from the job's start to its end.</param>
/// <param name="Workers">Busy time per worker, busiest first.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobSummary(
    Guid JobId,
    string Kernel,
    JobOutcome Outcome,
    long Total,
    long Succeeded,
    long Failed,
    long TimedOut,
    long Cancelled,
    TimeSpan WallTime,
    IReadOnlyList<WorkerUsage> Workers)
{
    /// <summary>Gets why the job stopped early, when it did.</summary>
    [Id(101)]
    public string? Error { get; init; }

    /// <summary>Gets the items that did not succeed counted by reason (fetch and upload jobs: the <c>FetchReasons</c> codes), or <see langword="null"/> when the job does not classify them.</summary>
    [Id(102)]
    public IReadOnlyDictionary<string, long>? FailureReasons { get; init; }

    /// <summary>Gets the attempts made beyond each item's first, whatever failure they followed.</summary>
    [Id(103)]
    public long Retries { get; init; }

    /// <summary>Gets the retries (of <see cref="Retries"/>) that followed a timed-out attempt.</summary>
    [Id(104)]
    public long TimeoutRetries { get; init; }

    /// <summary>Gets the retries (of <see cref="Retries"/>) that followed an attempt whose worker process died.</summary>
    [Id(105)]
    public long CrashRetries { get; init; }

    /// <summary>Gets the items that have a result of any kind.</summary>
    public long Completed => Succeeded + Failed + TimedOut + Cancelled;

    /// <summary>Gets the items finished per second of wall time.</summary>
    public double ItemsPerSecond => WallTime > TimeSpan.Zero ? Completed / WallTime.TotalSeconds : 0;

    /// <summary>Gets the busy time of all workers added up.</summary>
    public TimeSpan BusyTime => Workers.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.Busy);
}
