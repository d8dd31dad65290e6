using System.Globalization;

namespace Grid.Jobs;

/// <summary>When a job runs an item again after it failed: how many attempts, how long to wait between them, and which failures are worth another attempt.</summary>
/// <remarks>
/// Set it for a kernel on the silo (<see cref="Kernels.RetryAttribute"/> or the silo builder's <c>SetKernelRetry</c>) or for one job
/// (<c>MapOptions.Retry</c>, which replaces the kernel's). A kernel's exception is retried when its type is listed in <see cref="RetryOn"/>
/// (or derives from one listed), or when the list is empty; a timed-out item only with <see cref="RetryTimeouts"/>, and an item whose
/// worker process died only with <see cref="RetryCrashes"/>. A cancelled item is never retried.
/// </remarks>
[GenerateSerializer]
[Immutable]
public sealed record RetryPolicy
{
    /// <summary>The most attempts a policy may allow.</summary>
    public const int MaxAttemptsLimit = 1000;

    /// <summary>Gets how many times an item may run in all, the first attempt included; 1 turns retries off.</summary>
    /// <value>The default value is 3.</value>
    [Id(101)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets the wait before the second attempt.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    [Id(102)]
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets what each further wait is multiplied by.</summary>
    /// <value>The default value is 2.</value>
    [Id(103)]
    public double BackoffFactor { get; init; } = 2;

    /// <summary>Gets the longest wait between two attempts.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Id(104)]
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the full names of the exception types worth another attempt (for example <c>System.IO.IOException</c>); a type derived from one listed is retried too.</summary>
    /// <value>The default value is empty: every exception a kernel throws.</value>
    [Id(105)]
    public IReadOnlyList<string> RetryOn { get; init; } = [];

    /// <summary>Gets whether an item stopped by its time limit is run again.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [Id(106)]
    public bool RetryTimeouts { get; init; }

    /// <summary>Gets whether an item whose worker process died under it is run again: a process-isolated kernel's item failed with <see cref="Kernels.KernelReasons.WorkerCrashed"/> or <see cref="Kernels.KernelReasons.OutOfMemory"/>.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [Id(107)]
    public bool RetryCrashes { get; init; }

    /// <summary>Returns a copy that also retries exceptions of type <typeparamref name="TException"/> and the types derived from it.</summary>
    public RetryPolicy Handle<TException>()
        where TException : Exception => this with { RetryOn = [.. RetryOn, typeof(TException).FullName!] };

    /// <summary>Returns the wait before attempt <paramref name="attempt"/> (2 or more): <see cref="InitialDelay"/> times <see cref="BackoffFactor"/> to the power of the attempts since the second, at most <see cref="MaxDelay"/>.</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 2);
        var ticks = InitialDelay.Ticks * Math.Pow(BackoffFactor, attempt - 2);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range, as <paramref name="owner"/>.Setting (for example <c>MapOptions.Retry</c>).</summary>
    public void Validate(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            throw OutOfRange(owner, nameof(MaxAttempts), MaxAttempts, $"between 1 and {MaxAttemptsLimit}");
        }

        if (InitialDelay < TimeSpan.Zero || InitialDelay > TimeSpan.FromDays(1))
        {
            throw OutOfRange(owner, nameof(InitialDelay), InitialDelay, "between 0 and 1 day");
        }

        if (!double.IsFinite(BackoffFactor) || BackoffFactor is < 1 or > 100)
        {
            throw OutOfRange(owner, nameof(BackoffFactor), BackoffFactor, "a number between 1 and 100");
        }

        if (MaxDelay < InitialDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            throw OutOfRange(owner, nameof(MaxDelay), MaxDelay, $"between InitialDelay ({InitialDelay}) and 1 day");
        }

        if (RetryOn is null || RetryOn.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{owner}.{nameof(RetryOn)} must list exception type names, none of them empty.", nameof(RetryOn));
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string owner, string setting, object value, string allowed)
        => new(setting, value, string.Create(CultureInfo.InvariantCulture, $"{owner}.{setting} must be {allowed}; got {value}."));
}
