using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>Ends one attempt of a request with a reason a person understands, saying whether trying again could help.</summary>
/// <remarks>Thrown and caught only inside the request runner; the job sees it as the request's <see cref="FetchResult"/>.</remarks>
internal sealed class FetchFailure : Exception
{
    public FetchFailure(string reason, string message, bool transient, int statusCode = 0, TimeSpan? retryAfter = null, bool sent = true, Exception? cause = null)
        : base(message, cause)
    {
        Reason = reason;
        Transient = transient;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        Sent = sent;
    }

    public FetchFailure()
        : this(FetchReasons.ConnectionFailed, "The request failed.", transient: false)
    {
    }

    public FetchFailure(string message)
        : this(FetchReasons.ConnectionFailed, message, transient: false)
    {
    }

    public FetchFailure(string message, Exception innerException)
        : this(FetchReasons.ConnectionFailed, message, transient: false, cause: innerException)
    {
    }

    /// <summary>Gets the <see cref="FetchReasons"/> code.</summary>
    public string Reason { get; }

    /// <summary>Gets whether another attempt could succeed (connection errors, time-outs, 5xx, 429).</summary>
    public bool Transient { get; }

    /// <summary>Gets the HTTP status that ended the attempt, or 0 when none came.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the wait the server asked for with <c>Retry-After</c>, when it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets whether the request may have reached the server; a POST is tried again only when it cannot have, or when the server said so (429, 503).</summary>
    public bool Sent { get; }

    /// <summary>Gets how the item ends when this is its last attempt.</summary>
    public ItemStatus Status => Reason == FetchReasons.Timeout ? ItemStatus.TimedOut : ItemStatus.Failed;
}
