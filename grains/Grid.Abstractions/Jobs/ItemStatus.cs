namespace Grid.Jobs;

/// <summary>How one item of a job ended.</summary>
[GenerateSerializer]
public enum ItemStatus
{
    /// <summary>The kernel returned a value.</summary>
    Ok,

    /// <summary>The kernel threw, or the input was not one the kernel takes.</summary>
    Failed,

    /// <summary>The item's or the job's time limit passed before the kernel finished.</summary>
    TimedOut,

    /// <summary>The job was cancelled before or while the item ran.</summary>
    Cancelled,
}
