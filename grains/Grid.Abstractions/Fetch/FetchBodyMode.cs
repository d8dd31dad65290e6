namespace Grid.Fetch;

/// <summary>What a fetch job does with each response body.</summary>
[GenerateSerializer]
public enum FetchBodyMode
{
    /// <summary>The body's bytes are returned in <see cref="FetchResult.Body"/>.</summary>
    Return,

    /// <summary>The body is written into <see cref="FetchJobSettings.SaveFolder"/>, one file per URL; its path and SHA-256 are returned.</summary>
    Save,

    /// <summary>The body is read and counted, and only its SHA-256 is returned.</summary>
    Hash,
}
