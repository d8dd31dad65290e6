using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>What became of one request of a fetch or upload job; given for failed requests too, with <see cref="Reason"/> and <see cref="Error"/> set.</summary>
/// <param name="Url">The URL requested (for an upload, the URL the file was sent to; for a malformed input, the input as given).</param>
/// <param name="StatusCode">The final HTTP status, or 0 when no response came.</param>
/// <param name="Bytes">The body bytes read (fetch) or the file bytes sent (upload).</param>
/// <param name="Elapsed">The time from the first attempt's start to the result, retries and their waits included.</param>
/// <param name="Attempts">The attempts made; 0 when the request was refused before any.</param>
[GenerateSerializer]
[Immutable]
public sealed record FetchResult(string Url, int StatusCode, long Bytes, TimeSpan Elapsed, int Attempts)
{
    /// <summary>Gets why the request did not succeed, one of the <see cref="FetchReasons"/> codes, or <see langword="null"/> when it did.</summary>
    [Id(101)]
    public string? Reason { get; init; }

    /// <summary>Gets the request's error, also the item's, or <see langword="null"/> when it succeeded.</summary>
    [Id(102)]
    public ItemError? Error { get; init; }

    /// <summary>Gets the URL the last response came from, when redirects were followed.</summary>
    [Id(103)]
    public string? FinalUrl { get; init; }

    /// <summary>Gets the response's content type, when it named one.</summary>
    [Id(104)]
    public string? ContentType { get; init; }

    /// <summary>Gets the body, when the job returns bodies (<see cref="FetchBodyMode.Return"/>).</summary>
#pragma warning disable CA1819 // A message of the job protocol: the bytes as they arrived, no copy.
    [Id(105)]
    public byte[]? Body { get; init; }
#pragma warning restore CA1819

    /// <summary>Gets the full path of the file the body was saved to (<see cref="FetchBodyMode.Save"/>).</summary>
    [Id(106)]
    public string? SavedPath { get; init; }

    /// <summary>Gets the body's SHA-256 in lower-case hex (<see cref="FetchBodyMode.Save"/> and <see cref="FetchBodyMode.Hash"/>).</summary>
    [Id(107)]
    public string? Sha256 { get; init; }

    /// <summary>Gets the uploaded file's path relative to the upload folder (upload jobs only).</summary>
    [Id(108)]
    public string? File { get; init; }

    /// <summary>Gets whether the request succeeded: a 2xx response whose body was taken in full.</summary>
    public bool IsSuccess => Error is null;
}
