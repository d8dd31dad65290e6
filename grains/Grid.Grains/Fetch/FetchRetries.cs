using System.Net.Http.Headers;
using Polly;
using Polly.Retry;

namespace Grid.Fetch;

/// <summary>When a request of a fetch or upload job is tried again, and after how long: a Polly retry pipeline built once per job from its settings.</summary>
/// <remarks>
/// Only transient failures are retried, at most <see cref="FetchJobSettings.MaxRetries"/> times; a POST only when it cannot have
/// arrived or the server said it did not act on it (429, 503). The wait is exponential from <see cref="FetchJobSettings.RetryDelay"/>
/// with jitter (so requests that failed together do not all come back at once), capped at <see cref="FetchJobSettings.MaxRetryDelay"/>,
/// unless the server asked for a wait with <c>Retry-After</c>, which is honoured up to the same cap.
/// </remarks>
internal static class FetchRetries
{
    /// <summary>Builds the retry pipeline of <paramref name="job"/>; it waits on <paramref name="time"/>.</summary>
    public static ResiliencePipeline<FetchResult> For(FetchJob job, TimeProvider time)
    {
        var settings = job.Settings;
        if (settings.MaxRetries <= 0)
        {
            return ResiliencePipeline<FetchResult>.Empty;
        }

        var isPost = job.Method == HttpMethod.Post;
        return new ResiliencePipelineBuilder<FetchResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<FetchResult>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryDelay,
                MaxDelay = settings.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is FetchFailure failure && MayRepeat(failure, isPost)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is FetchFailure { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
            })
            .Build();
    }

    /// <summary>Reads a <c>Retry-After</c> header (seconds or a date), capped at <paramref name="maxDelay"/>; <see langword="null"/> when there is none.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now, TimeSpan maxDelay)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, maxDelay.Ticks)) : null;
    }

    // A POST is not idempotent: repeat it only when it cannot have arrived, or the server said it did not act on it.
    private static bool MayRepeat(FetchFailure failure, bool isPost)
        => failure.Transient && (!isPost || !failure.Sent || failure.StatusCode is 429 or 503);
}
