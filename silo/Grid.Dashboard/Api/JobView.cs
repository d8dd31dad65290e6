using Grid.Jobs;

namespace Grid.Dashboard.Api;

/// <summary>One job as the dashboard lists it: its kernel, progress, counts and throughput.</summary>
/// <param name="JobId">The job's identity.</param>
/// <param name="Kernel">The kernel the job runs.</param>
/// <param name="Started">When the job started.</param>
/// <param name="Read">Items read from the input so far.</param>
/// <param name="Total">The number of input items once the input has ended, else <see langword="null"/>.</param>
/// <param name="Succeeded">Items that succeeded.</param>
/// <param name="Failed">Items that failed.</param>
/// <param name="TimedOut">Items that timed out.</param>
/// <param name="Cancelled">Items that were cancelled.</param>
/// <param name="Completed">Items with a result of any kind.</param>
/// <param name="Workers">The workers the job may use at once.</param>
/// <param name="Outcome">How the job ended, or <see langword="null"/> while it runs.</param>
/// <param name="ElapsedMs">Milliseconds since the start, or the wall time once finished.</param>
/// <param name="ItemsPerSecond">Items completed per second so far.</param>
/// <param name="Silo">The silo its job grain lives on, whose dashboard data it is part of.</param>
internal sealed record JobView(
    Guid JobId,
    string Kernel,
    DateTimeOffset Started,
    long Read,
    long? Total,
    long Succeeded,
    long Failed,
    long TimedOut,
    long Cancelled,
    long Completed,
    int Workers,
    JobOutcome? Outcome,
    double ElapsedMs,
    double ItemsPerSecond,
    string Silo);
