using Grid.Stored;

namespace Grid.Dashboard.Api;

/// <summary>One stored (detached) job as the dashboard lists it: its state, counts and times from the job store, and where its run's trace is.</summary>
/// <param name="JobId">The job's identity, which <c>grid attach</c>, <c>grid cancel</c> and <c>grid forget</c> take.</param>
/// <param name="Kernel">The kernel it runs.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Total">Its inputs (so far, while it is being submitted).</param>
/// <param name="Completed">Items with a stored result of any kind.</param>
/// <param name="Succeeded">Items with a stored value.</param>
/// <param name="Failed">Items that finally failed.</param>
/// <param name="TimedOut">Items that finally timed out.</param>
/// <param name="Cancelled">Items stored as cancelled (never run included).</param>
/// <param name="Submitted">When its client began to submit it.</param>
/// <param name="Started">When a silo first took it, or <see langword="null"/>.</param>
/// <param name="Finished">When it ended, or <see langword="null"/>.</param>
/// <param name="Owner">The silo that owns it now (or last did), or <see langword="null"/> while none has.</param>
/// <param name="Runs">How many times a silo has taken it.</param>
/// <param name="Error">Why it failed, was cancelled or timed out, or <see langword="null"/>.</param>
/// <param name="RunJobId">The map job of its latest run, or <see langword="null"/> while no silo has run it.</param>
/// <param name="RunTraceHere">Whether a live silo of this cluster keeps that map job, so that this dashboard's <c>/api/jobs/{RunJobId}</c> answers with its trace.</param>
internal sealed record StoredJobView(
    Guid JobId,
    string Kernel,
    StoredJobState State,
    long Total,
    long Completed,
    long Succeeded,
    long Failed,
    long TimedOut,
    long Cancelled,
    DateTimeOffset Submitted,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? Owner,
    int Runs,
    string? Error,
    Guid? RunJobId,
    bool RunTraceHere);
