using Grid.Fetch;

namespace Grid.Client;

/// <summary>How a <see cref="GridClient.Upload(string, string, UploadOptions?, CancellationToken)"/> job runs: the shared request settings plus the method and which files go.</summary>
public sealed record UploadOptions : HttpJobOptions
{
    /// <summary>Gets the method each file is sent with.</summary>
    /// <value>The default value is <see cref="UploadMethod.Put"/>.</value>
    public UploadMethod Method { get; init; } = UploadMethod.Put;

    /// <summary>Gets whether the files of subfolders go too, each to the target plus its relative path.</summary>
    /// <value>The default value is <see langword="true"/>: every file under the folder, hidden ones included.</value>
    public bool Recursive { get; init; } = true;

    internal override FetchJobSettings ToSettings() => base.ToSettings() with { UploadMethod = Method };
}
