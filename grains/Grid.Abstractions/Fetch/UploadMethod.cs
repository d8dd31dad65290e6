namespace Grid.Fetch;

/// <summary>The HTTP method an upload job sends each file with.</summary>
[GenerateSerializer]
public enum UploadMethod
{
    /// <summary>PUT, as object stores take a file: idempotent, so every transient failure is retried.</summary>
    Put,

    /// <summary>POST: retried only when the server cannot have acted on it (connection refused, 429 or 503).</summary>
    Post,
}
