using Grid.Jobs;

namespace Grid.Client;

/// <summary>How a <see cref="GridClient.Map{TIn, TOut}(string, IEnumerable{TIn}, MapOptions?, CancellationToken)"/> job runs.</summary>
public sealed record MapOptions
{
    /// <summary>Gets whether results come in input order instead of completion order.</summary>
    /// <value>The default value is <see langword="false"/>: each result as soon as it completes.</value>
    public bool Ordered { get; init; }

    /// <summary>Gets the time limit of one item; past it the kernel's token is signalled and the item is reported as timed out.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>Gets the hard time limit of one item, for kernels that ignore their token: past it the item is timed out and its kernel abandoned (in process) or its worker process killed (process isolation); a kernel's own hard limit applies too, and the smaller wins.</summary>
    /// <remarks>It must not be shorter than <see cref="ItemTimeout"/>, which signals the token first.</remarks>
    /// <value>The default value is <see langword="null"/>: only the kernel's own hard limit, if it has one.</value>
    public TimeSpan? HardItemTimeout { get; init; }

    /// <summary>Gets the time limit of the whole job; past it unfinished items are cancelled and the results end with a <see cref="JobTimeoutException"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? JobTimeout { get; init; }

    /// <summary>Gets the receiver of progress reports, sent at most every <see cref="ProgressInterval"/> and once at the end.</summary>
    /// <value>The default value is <see langword="null"/>: no reports.</value>
    public IProgress<JobProgress>? Progress { get; init; }

    /// <summary>Gets the least time between two progress reports.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the most items the job holds that were read from the input and not yet delivered as results; this bounds the job's memory.</summary>
    /// <remarks>
    /// Beside the job, the client holds at most one input batch (no larger than this) and the result chunk it is handing out
    /// (no larger than this divided by twice the worker count), so the input is never read more than 2.5 times this ahead of the consumer.
    /// </remarks>
    /// <value>The default value is 0: the silo's <c>Grid:Jobs:DefaultMaxInFlight</c>, 131,072 items unless configured.</value>
    public int MaxInFlight { get; init; }

    /// <summary>Gets when failed items are run again; it replaces the kernel's own policy (set on the silo) for this job.</summary>
    /// <value>The default value is <see langword="null"/>: the kernel's policy, or no retries when it has none.</value>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Gets how many items may finally fail (failed or timed out, after their retries) before the job stops early: items not yet run are cancelled, and the results end with a <see cref="TooManyFailuresException"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no limit, a failed item never stops its job.</value>
    public long? MaxFailures { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        TimeLimit.ThrowIfNotPositive(ItemTimeout, nameof(ItemTimeout));
        TimeLimit.ThrowIfNotPositive(HardItemTimeout, nameof(HardItemTimeout));
        TimeLimit.ThrowIfHardBelowSoft(HardItemTimeout, nameof(HardItemTimeout), ItemTimeout, nameof(ItemTimeout));
        TimeLimit.ThrowIfNotPositive(JobTimeout, nameof(JobTimeout));
        if (ProgressInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, $"MapOptions.{nameof(ProgressInterval)} must not be negative.");
        }

        if (MaxInFlight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInFlight), MaxInFlight, $"MapOptions.{nameof(MaxInFlight)} must be 0 (automatic) or positive.");
        }

        if (MaxFailures < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFailures), MaxFailures, $"MapOptions.{nameof(MaxFailures)} must be 0 or more, or null for no limit; got {MaxFailures}.");
        }

        Retry?.Validate($"MapOptions.{nameof(Retry)}");
    }
}
