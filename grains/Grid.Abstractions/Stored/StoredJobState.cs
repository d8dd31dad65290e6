namespace Grid.Stored;

/// <summary>Where a stored (detached) job is in its life; the job store keeps it.</summary>
[GenerateSerializer]
public enum StoredJobState
{
    /// <summary>Its client is still storing its inputs; no silo runs it yet.</summary>
    Submitting,

    /// <summary>Its inputs are stored and it waits for a silo to take it.</summary>
    Queued,

    /// <summary>A silo owns it under a lease and runs it; its chunks go to every silo.</summary>
    Running,

    /// <summary>Every item has a stored result (failed items included).</summary>
    Completed,

    /// <summary>It stopped early: too many items failed, its client left while submitting, or the store refused its results.</summary>
    Failed,

    /// <summary>It was cancelled; items that had not run have no stored result.</summary>
    Cancelled,

    /// <summary>Its time limit passed; items not finished by then were cancelled.</summary>
    TimedOut,
}

/// <summary>Facts about <see cref="StoredJobState"/>.</summary>
public static class StoredJobStates
{
    /// <summary>Returns whether a job in <paramref name="state"/> has ended and will change no more.</summary>
    public static bool IsFinished(this StoredJobState state) => state is StoredJobState.Completed or StoredJobState.Failed or StoredJobState.Cancelled or StoredJobState.TimedOut;

    /// <summary>Returns the state a job that ended with <paramref name="outcome"/> is stored in.</summary>
    public static StoredJobState Of(Jobs.JobOutcome outcome) => outcome switch
    {
        Jobs.JobOutcome.Completed => StoredJobState.Completed,
        Jobs.JobOutcome.Cancelled => StoredJobState.Cancelled,
        Jobs.JobOutcome.TimedOut => StoredJobState.TimedOut,
        _ => StoredJobState.Failed,
    };

    /// <summary>Returns the outcome a summary gives a job that ended in <paramref name="state"/>.</summary>
    public static Jobs.JobOutcome OutcomeOf(StoredJobState state) => state switch
    {
        StoredJobState.Cancelled => Jobs.JobOutcome.Cancelled,
        StoredJobState.TimedOut => Jobs.JobOutcome.TimedOut,
        StoredJobState.Failed => Jobs.JobOutcome.Failed,
        _ => Jobs.JobOutcome.Completed,
    };
}
