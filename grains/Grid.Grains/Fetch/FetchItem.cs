namespace Grid.Fetch;

/// <summary>One request of a job, admitted by the policy and waiting for a slot: its index, the input as given, the URL and, for an upload, the file.</summary>
/// <param name="Index">The item's position in the job's input.</param>
/// <param name="Input">The input as the client sent it.</param>
/// <param name="Url">The URL to request.</param>
/// <param name="HostKey">The host the per-host limit counts the request against.</param>
/// <param name="File">For an upload, the file's path relative to the upload folder.</param>
/// <param name="FilePath">For an upload, the file's full path.</param>
internal sealed record FetchItem(long Index, string Input, Uri Url, string HostKey, string? File = null, string? FilePath = null);
