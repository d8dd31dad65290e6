using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>Gives a kernel class its <see cref="RetryPolicy"/>: failed items of its jobs are run again unless a job sets its own policy.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RetryAttribute : Attribute
{
    /// <summary>Gets or sets how many times an item may run in all, the first attempt included.</summary>
    /// <value>The default value is 3.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the wait before the second attempt, in milliseconds.</summary>
    /// <value>The default value is 100.</value>
    public int InitialDelayMilliseconds { get; set; } = 100;

    /// <summary>Gets or sets what each further wait is multiplied by.</summary>
    /// <value>The default value is 2.</value>
    public double BackoffFactor { get; set; } = 2;

    /// <summary>Gets or sets the longest wait between two attempts, in milliseconds.</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxDelayMilliseconds { get; set; } = 10_000;

    /// <summary>Gets or sets the exception types worth another attempt (their derived types too).</summary>
    /// <value>The default value is empty: every exception the kernel throws.</value>
    public Type[] RetryOn { get; set; } = [];

    /// <summary>Gets or sets whether an item stopped by its time limit is run again.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RetryTimeouts { get; set; }

    /// <summary>Gets or sets whether an item whose worker process died is run again.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RetryCrashes { get; set; }

    /// <summary>Makes the policy the attribute describes.</summary>
    public RetryPolicy ToPolicy() => new()
    {
        MaxAttempts = MaxAttempts,
        InitialDelay = TimeSpan.FromMilliseconds(InitialDelayMilliseconds),
        BackoffFactor = BackoffFactor,
        MaxDelay = TimeSpan.FromMilliseconds(MaxDelayMilliseconds),
        RetryOn = [.. RetryOn.Select(t => t.FullName ?? t.Name)],
        RetryTimeouts = RetryTimeouts,
        RetryCrashes = RetryCrashes,
    };
}
