using Grid.Jobs;

namespace Grid.Monitoring;

/// <summary>What the dashboard shows of one job: its kernel, progress, counts and throughput, at one moment.</summary>
/// <param name="JobId">The job's identity.</param>
/// <param name="Kernel">The kernel the job runs.</param>
/// <param name="Started">When the job started.</param>
/// <param name="Read">Items read from the input so far.</param>
/// <param name="Total">The number of input items once the input has ended, else <see langword="null"/>.</param>
/// <param name="Succeeded">Items that succeeded.</param>
/// <param name="Failed">Items that failed.</param>
/// <param name="TimedOut">Items that timed out.</param>
/// <param name="Cancelled">Items that were cancelled.</param>
/// <param name="Workers">The workers the job may use at once.</param>
/// <param name="Outcome">How the job ended, or <see langword="null"/> while it runs.</param>
/// <param name="Elapsed">Time since the start, or the wall time once finished.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobSnapshot(
    Guid JobId,
    string Kernel,
    DateTimeOffset Started,
    long Read,
    long? Total,
    long Succeeded,
    long Failed,
    long TimedOut,
    long Cancelled,
    int Workers,
    JobOutcome? Outcome,
    TimeSpan Elapsed)
{
    /// <summary>Gets the items with a result of any kind.</summary>
    public long Completed => Succeeded + Failed + TimedOut + Cancelled;

    /// <summary>Gets the items completed per second so far.</summary>
    public double ItemsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
