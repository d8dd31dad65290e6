using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>Turns a job's input into requests, refusing at once (with the reason) what can never succeed: malformed or over-long URLs, schemes and hosts the policy denies, paths outside the upload folder.</summary>
internal static class FetchAdmission
{
    /// <summary>Admits one input; returns the request to make, or the item's result when it is refused.</summary>
    public static (FetchItem? Item, FetchResult? Refused) Admit(FetchJob job, FetchPolicy policy, long index, string? input)
    {
        input ??= string.Empty;
        return job.IsUpload ? AdmitFile(job, policy, index, input) : AdmitUrl(policy, index, input);
    }

    /// <summary>Makes the result of a request that ended without a response it could use.</summary>
    public static FetchResult Failed(string url, string reason, ItemStatus status, string message, int statusCode = 0, TimeSpan elapsed = default, int attempts = 0)
        => new(url, statusCode, 0, elapsed, attempts)
        {
            Reason = reason,
            Error = new ItemError(status, reason, message),
        };

    private static (FetchItem?, FetchResult?) AdmitUrl(FetchPolicy policy, long index, string input)
    {
        var text = input.Trim();
        if (text.Length > policy.Options.MaxUrlLength)
        {
            return Refuse(Shorten(text), FetchReasons.UrlTooLong, $"The URL is over {policy.Options.MaxUrlLength} characters ({FetchPolicyOptions.SectionName}:MaxUrlLength).");
        }

        // On Unix a bare path such as "/etc/passwd" parses as a file URI; nobody meant it as a URL, so it is malformed rather than a file request.
        if (text.Length == 0 || !Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.IsFile && !text.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            return Refuse(Shorten(text), FetchReasons.MalformedUrl, text.Length == 0 ? "The URL is empty." : $"'{Shorten(text)}' is not an absolute URL such as https://example.com/path.");
        }

        if (policy.CheckUrl(url) is { } denial)
        {
            return Refuse(text, denial.Reason, denial.Message);
        }

        if (url.Host.Length == 0)
        {
            return Refuse(text, FetchReasons.MalformedUrl, $"'{Shorten(text)}' names no host.");
        }

        return (new FetchItem(index, input, url, url.IdnHost), null);
    }

    private static (FetchItem?, FetchResult?) AdmitFile(FetchJob job, FetchPolicy policy, long index, string relative)
    {
        var folder = job.UploadFolder!;
        var prefix = FetchPolicy.FolderPrefix(folder);
        var full = relative.Length == 0 || Path.IsPathRooted(relative) ? null : Path.GetFullPath(Path.Combine(folder, relative));
        if (full is null || !full.StartsWith(prefix, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(relative, FetchReasons.FileOutsideFolder, $"The path '{relative}' is not inside the upload folder {folder}.");
        }

        if (!policy.Options.AllowAnyFolder && LinkOutsideRoots(policy, full, prefix) is { } link)
        {
            return Refuse(relative, FetchReasons.FileOutsideFolder, $"The path '{relative}' goes through the link {link}, which leads outside the folders this silo uploads from.");
        }

        var path = Path.GetRelativePath(folder, full).Replace(Path.DirectorySeparatorChar, '/');
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        var target = job.Settings.UploadTarget!;
        var text = target.Contains("{path}", StringComparison.Ordinal) ? target.Replace("{path}", escaped, StringComparison.Ordinal) : target.TrimEnd('/') + "/" + escaped;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            return Refuse(text, FetchReasons.MalformedUrl, $"The upload URL '{Shorten(text)}' made for '{path}' is not a valid URL.");
        }

        if (policy.CheckUrl(url) is { } denial)
        {
            return Refuse(text, denial.Reason, denial.Message);
        }

        return (new FetchItem(index, relative, url, url.IdnHost, path, full), null);
    }

    /// <summary>Finds a symbolic link on the way from the folder to the file whose target is outside the allowed folders.</summary>
    private static string? LinkOutsideRoots(FetchPolicy policy, string full, string prefix)
    {
        for (var path = full; path.Length >= prefix.Length; path = Path.GetDirectoryName(path)!)
        {
            FileSystemInfo? target;
            try
            {
                target = File.ResolveLinkTarget(path, returnFinalTarget: true);
            }
            catch (IOException)
            {
                // A link that cannot be followed is not a way out; opening the file reports why it cannot be read.
                target = null;
            }

            if (target is not null && !policy.MayRead(target.FullName))
            {
                return path;
            }
        }

        return null;
    }

    private static (FetchItem?, FetchResult?) Refuse(string url, string reason, string message)
        => (null, Failed(url, reason, ItemStatus.Failed, message));

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
