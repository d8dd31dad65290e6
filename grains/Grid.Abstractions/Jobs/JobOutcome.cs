namespace Grid.Jobs;

/// <summary>How a job as a whole ended.</summary>
[GenerateSerializer]
public enum JobOutcome
{
    /// <summary>Every item the job read has a result (failed items included).</summary>
    Completed,

    /// <summary>The caller cancelled the job; queued items were dropped.</summary>
    Cancelled,

    /// <summary>The job's time limit passed; items not finished by then were cancelled.</summary>
    TimedOut,

    /// <summary>The job stopped early because reading its input failed.</summary>
    Failed,
}
