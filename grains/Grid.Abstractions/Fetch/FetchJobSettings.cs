using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>How a fetch or upload job makes its requests: limits, time limits, retries, redirects and what becomes of bodies; carried by <see cref="JobSpec.Fetch"/>.</summary>
/// <remarks>Made only of numbers, strings, time spans and enums, so that it travels as JSON.</remarks>
[GenerateSerializer]
[Immutable]
public sealed record FetchJobSettings
{
    /// <summary>The default of <see cref="MaxConcurrency"/>.</summary>
    public const int DefaultMaxConcurrency = 100;

    /// <summary>The default of <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 2;

    /// <summary>The default of <see cref="MaxRedirects"/>.</summary>
    public const int DefaultMaxRedirects = 10;

    /// <summary>The default of <see cref="MaxBodyBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>The default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest <see cref="MaxRetryDelay"/> allowed: one day.</summary>
    public static readonly TimeSpan MaxRetryDelayLimit = TimeSpan.FromDays(1);

    /// <summary>The default of <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>Gets the most requests of the job in flight at once, over all hosts.</summary>
    /// <value>The default value is 100.</value>
    [Id(101)]
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>Gets the most requests of the job in flight at once to one host; 0 for no limit beyond <see cref="MaxConcurrency"/>.</summary>
    /// <value>The default value is 0.</value>
    [Id(102)]
    public int MaxPerHost { get; init; }

    /// <summary>Gets the time limit of one attempt: connecting, following redirects, the response headers and the whole body.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Id(103)]
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>Gets how many times a request that failed transiently (connection error, time-out, 5xx, 429) is tried again; never after a 4xx.</summary>
    /// <value>The default value is 2.</value>
    [Id(104)]
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>Gets the wait before the first retry; each further retry waits twice as long, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Id(105)]
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>Gets the longest wait before a retry, also the cap on a server's <c>Retry-After</c>; at most one day.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Id(106)]
    public TimeSpan MaxRetryDelay { get; init; } = DefaultMaxRetryDelay;

    /// <summary>Gets the most redirects followed for one request; 0 reports a redirect as the result.</summary>
    /// <value>The default value is 10.</value>
    [Id(107)]
    public int MaxRedirects { get; init; } = DefaultMaxRedirects;

    /// <summary>Gets the longest response body read; a longer one ends the request with <see cref="FetchReasons.BodyTooLarge"/>.</summary>
    /// <value>The default value is 16 MiB.</value>
    [Id(108)]
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>Gets what a fetch job does with each body.</summary>
    /// <value>The default value is <see cref="FetchBodyMode.Return"/>.</value>
    [Id(109)]
    public FetchBodyMode Body { get; init; } = FetchBodyMode.Return;

    /// <summary>Gets the folder bodies are saved into when <see cref="Body"/> is <see cref="FetchBodyMode.Save"/>; the silo must allow it.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Id(110)]
    public string? SaveFolder { get; init; }

    /// <summary>Gets the folder an upload job reads its files from; the silo must allow it (<c>Grid:Fetch:UploadRoots</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Id(111)]
    public string? UploadFolder { get; init; }

    /// <summary>Gets the URL an upload job sends each file to: the file's relative path replaces <c>{path}</c>, or is appended after a <c>/</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Id(112)]
    public string? UploadTarget { get; init; }

    /// <summary>Gets the method an upload job sends each file with.</summary>
    /// <value>The default value is <see cref="UploadMethod.Put"/>.</value>
    [Id(113)]
    public UploadMethod UploadMethod { get; init; } = UploadMethod.Put;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range, as <c><paramref name="owner"/>.Setting</c>.</summary>
    /// <param name="owner">The name the settings go by for the caller, for example <c>FetchOptions</c>.</param>
    public void Validate(string owner = nameof(FetchJobSettings))
    {
        AtLeast(MaxConcurrency, 1, owner, nameof(MaxConcurrency));
        AtLeast(MaxPerHost, 0, owner, nameof(MaxPerHost));
        AtLeast(MaxRetries, 0, owner, nameof(MaxRetries));
        AtLeast(MaxRedirects, 0, owner, nameof(MaxRedirects));
        AtLeast(MaxBodyBytes, 0, owner, nameof(MaxBodyBytes));
        TimeLimit.ThrowIfNotPositive(RequestTimeout, $"{owner}.{nameof(RequestTimeout)}");
        if (MaxRetryDelay < TimeSpan.Zero || MaxRetryDelay > MaxRetryDelayLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, $"{owner}.{nameof(MaxRetryDelay)} must be from 0 to one day; got {MaxRetryDelay}.");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > MaxRetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, $"{owner}.{nameof(RetryDelay)} must be from 0 to {owner}.{nameof(MaxRetryDelay)} ({MaxRetryDelay}); got {RetryDelay}.");
        }

        if (!Enum.IsDefined(Body))
        {
            throw new ArgumentOutOfRangeException(nameof(Body), Body, $"{owner}.{nameof(Body)} must be Return, Save or Hash; got {Body}.");
        }

        if (!Enum.IsDefined(UploadMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(UploadMethod), UploadMethod, $"{owner}.{nameof(UploadMethod)} must be Put or Post; got {UploadMethod}.");
        }

        if (Body == FetchBodyMode.Save && string.IsNullOrWhiteSpace(SaveFolder))
        {
            throw new ArgumentException($"{owner}.{nameof(SaveFolder)} must name a folder when {owner}.{nameof(Body)} is Save.", nameof(SaveFolder));
        }
    }

    private static void AtLeast(long value, long least, string owner, string name)
    {
        if (value < least)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{owner}.{name} must be at least {least}; got {value}.");
        }
    }
}
