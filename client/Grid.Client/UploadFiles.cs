namespace Grid.Client;

/// <summary>The client's side of an upload: checks the folder and the target, and lists the files lazily as paths relative to the folder.</summary>
internal static class UploadFiles
{
    /// <summary>Returns the folder's full path and the target, or throws an <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static (string Folder, string Target) Check(string folder, string targetUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetUrl);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"The upload folder '{folder}' does not exist.", nameof(folder));
        }

        if (!Uri.TryCreate(targetUrl.Replace("{path}", "x", StringComparison.Ordinal), UriKind.Absolute, out var target)
            || target.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The upload target must be an absolute http or https URL, such as http://host/bucket/; got '{targetUrl}'.", nameof(targetUrl));
        }

        return (full, targetUrl);
    }

    /// <summary>Yields each file's path relative to <paramref name="folder"/>, with <c>/</c> between folders, as the job reads them.</summary>
    /// <remarks>Hidden files go too; a subfolder that cannot be listed ends the input with its error (the files read before it still go).</remarks>
    public static IEnumerable<string> Enumerate(string folder, bool recursive)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            IgnoreInaccessible = false,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        foreach (var file in Directory.EnumerateFiles(folder, "*", options))
        {
            yield return Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
        }
    }
}
