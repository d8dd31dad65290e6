namespace Grid.Jobs;

/// <summary>What kind of failure an item is run again after; the job's summary counts retries of each kind.</summary>
internal enum RetryCause
{
    /// <summary>The kernel threw an exception the policy retries.</summary>
    Error,

    /// <summary>The item passed its time limit.</summary>
    Timeout,

    /// <summary>The worker process running the item died.</summary>
    Crash,
}
