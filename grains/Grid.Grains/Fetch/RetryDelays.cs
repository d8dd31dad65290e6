using System.Net.Http.Headers;

namespace Grid.Fetch;

/// <summary>How long a request waits before its next attempt: exponential backoff with jitter, or what the server asked for with <c>Retry-After</c>, never past the job's cap.</summary>
internal static class RetryDelays
{
    /// <summary>Gets the wait before attempt <paramref name="attempt"/> + 1: half of <c>base * 2^(attempt-1)</c> plus a random share of the other half, capped.</summary>
    /// <remarks>The jitter spreads the retries of many requests that failed together (a server restart), so they do not all return at once.</remarks>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, maxDelay.Ticks);
        return TimeSpan.FromTicks((long)((capped / 2) + (Random.Shared.NextDouble() * capped / 2)));
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
}
