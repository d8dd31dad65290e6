namespace Grid.Stored;

/// <summary>A stored job as the job store has it now: its kernel, state, counts and times.</summary>
/// <param name="JobId">The job's identity, which <c>grid attach</c>, <c>grid cancel</c> and <c>grid forget</c> take.</param>
/// <param name="Kernel">The kernel it runs.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Total">Its inputs (so far, while it is <see cref="StoredJobState.Submitting"/>).</param>
/// <param name="Succeeded">Items with a stored value.</param>
/// <param name="Failed">Items that finally failed.</param>
/// <param name="TimedOut">Items that finally timed out.</param>
/// <param name="Cancelled">Items stored as cancelled.</param>
/// <param name="Submitted">When its client began to submit it.</param>
[GenerateSerializer]
[Immutable]
public sealed record StoredJob(
    Guid JobId,
    string Kernel,
    StoredJobState State,
    long Total,
    long Succeeded,
    long Failed,
    long TimedOut,
    long Cancelled,
    DateTimeOffset Submitted)
{
    /// <summary>Gets when a silo first took it, or <see langword="null"/> while none has.</summary>
    [Id(101)]
    public DateTimeOffset? Started { get; init; }

    /// <summary>Gets when it ended, or <see langword="null"/> while it has not.</summary>
    [Id(102)]
    public DateTimeOffset? Finished { get; init; }

    /// <summary>Gets why it failed, was cancelled or timed out, or <see langword="null"/>.</summary>
    [Id(103)]
    public string? Error { get; init; }

    /// <summary>Gets the silo that owns it now (or last did), or <see langword="null"/> while none has.</summary>
    [Id(104)]
    public string? Owner { get; init; }

    /// <summary>Gets how many times a silo has taken it: more than 1 after a takeover or a restart of the cluster.</summary>
    [Id(105)]
    public int Runs { get; init; }

    /// <summary>Gets the full name of the type of its results, as its client gave it.</summary>
    [Id(106)]
    public string OutputType { get; init; } = string.Empty;

    /// <summary>Gets the id of the job grain its latest run started, whose trace the dashboard of the silo that grain was placed on shows, or <see langword="null"/> while no silo has run it.</summary>
    [Id(107)]
    public Guid? RunJobId { get; init; }

    /// <summary>Gets the items with a stored result of any kind.</summary>
    public long Completed => Succeeded + Failed + TimedOut + Cancelled;
}
