using Grid.Fetch;
using Grid.Jobs;

namespace Grid.Client;

/// <summary>What fetch and upload jobs share: how many requests at once, their time limits and retries, and how the job is watched.</summary>
public abstract record HttpJobOptions
{
    /// <summary>Gets the most requests in flight at once, over all hosts.</summary>
    /// <value>The default value is 100.</value>
    public int MaxConcurrency { get; init; } = FetchJobSettings.DefaultMaxConcurrency;

    /// <summary>Gets the most requests in flight at once to one host; 0 for no limit beyond <see cref="MaxConcurrency"/>.</summary>
    /// <value>The default value is 0.</value>
    public int MaxPerHost { get; init; }

    /// <summary>Gets the time limit of one attempt: connecting, redirects, the response headers and the whole body; past it the attempt is a time-out.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; init; } = FetchJobSettings.DefaultRequestTimeout;

    /// <summary>Gets how many times a transient failure (connection error, time-out, 5xx, 429) is tried again; a 4xx never is.</summary>
    /// <value>The default value is 2.</value>
    public int MaxRetries { get; init; } = FetchJobSettings.DefaultMaxRetries;

    /// <summary>Gets the wait before the first retry; it doubles with each retry, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan RetryDelay { get; init; } = FetchJobSettings.DefaultRetryDelay;

    /// <summary>Gets the longest wait before a retry, also the cap on a server's <c>Retry-After</c>.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan MaxRetryDelay { get; init; } = FetchJobSettings.DefaultMaxRetryDelay;

    /// <summary>Gets the time limit of the whole job; past it requests in flight are aborted and the results end with a <see cref="JobTimeoutException"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? JobTimeout { get; init; }

    /// <summary>Gets the receiver of progress reports, sent at most every <see cref="ProgressInterval"/> and once at the end.</summary>
    /// <value>The default value is <see langword="null"/>: no reports.</value>
    public IProgress<JobProgress>? Progress { get; init; }

    /// <summary>Gets the least time between two progress reports.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the most inputs the job holds that were read and not yet delivered as results; this bounds its memory.</summary>
    /// <value>The default value is 0: four times <see cref="MaxConcurrency"/> plus 8,192.</value>
    public int MaxInFlight { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ToSettings().Validate(GetType().Name);
        ToMapOptions().Validate();
    }

    /// <summary>Makes the settings the job carries to the silo.</summary>
    internal virtual FetchJobSettings ToSettings() => new()
    {
        MaxConcurrency = MaxConcurrency,
        MaxPerHost = MaxPerHost,
        RequestTimeout = RequestTimeout,
        MaxRetries = MaxRetries,
        RetryDelay = RetryDelay,
        MaxRetryDelay = MaxRetryDelay,
    };

    /// <summary>Makes the options the client's job session reads (progress, time limit, memory bound, order).</summary>
    internal virtual MapOptions ToMapOptions() => new()
    {
        JobTimeout = JobTimeout,
        Progress = Progress,
        ProgressInterval = ProgressInterval,
        MaxInFlight = MaxInFlight,
    };
}
