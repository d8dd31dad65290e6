using Grid.Fetch;

namespace Grid.Client;

/// <summary>How a <see cref="GridClient.Fetch(IEnumerable{string}, FetchOptions?, CancellationToken)"/> job runs: the shared request settings plus redirects, the body cap and what becomes of bodies.</summary>
public sealed record FetchOptions : HttpJobOptions
{
    /// <summary>Gets the most redirects followed for one URL; 0 reports a redirect as the result.</summary>
    /// <value>The default value is 10.</value>
    public int MaxRedirects { get; init; } = FetchJobSettings.DefaultMaxRedirects;

    /// <summary>Gets the longest body read; a longer one is stopped at the cap and the URL fails with <see cref="FetchReasons.BodyTooLarge"/>.</summary>
    /// <value>The default value is 16 MiB.</value>
    public long MaxBodyBytes { get; init; } = FetchJobSettings.DefaultMaxBodyBytes;

    /// <summary>Gets what becomes of each body: returned, saved into <see cref="SaveFolder"/>, or only hashed and counted.</summary>
    /// <value>The default value is <see cref="FetchBodyMode.Return"/>, or <see cref="FetchBodyMode.Save"/> when <see cref="SaveFolder"/> is set.</value>
    public FetchBodyMode? Body { get; init; }

    /// <summary>Gets the folder bodies are saved into, one file per URL named from it (written atomically; a URL cannot name a path outside the folder).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SaveFolder { get; init; }

    /// <summary>Gets whether results come in input order instead of completion order.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Ordered { get; init; }

    internal override FetchJobSettings ToSettings() => base.ToSettings() with
    {
        MaxRedirects = MaxRedirects,
        MaxBodyBytes = MaxBodyBytes,
        Body = Body ?? (SaveFolder is null ? FetchBodyMode.Return : FetchBodyMode.Save),
        SaveFolder = SaveFolder is null ? null : Path.GetFullPath(SaveFolder),
    };

    internal override MapOptions ToMapOptions() => base.ToMapOptions() with { Ordered = Ordered };
}
