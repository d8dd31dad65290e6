namespace Grid.Fetch;

/// <summary>Why a request did not succeed: the short codes in <see cref="FetchResult.Reason"/> and in <see cref="Jobs.JobSummary.FailureReasons"/>.</summary>
/// <remarks>An HTTP status that is not a success is reported as <c>http-NNN</c>, for example <c>http-404</c>; see <see cref="ForStatus"/>.</remarks>
public static class FetchReasons
{
    /// <summary>The input is not an absolute URL.</summary>
    public const string MalformedUrl = "malformed-url";

    /// <summary>The input is longer than the silo takes (<c>Grid:Fetch:MaxUrlLength</c>).</summary>
    public const string UrlTooLong = "url-too-long";

    /// <summary>The URL's scheme is not one the silo allows (http and https by default).</summary>
    public const string UnsupportedScheme = "unsupported-scheme";

    /// <summary>The silo's policy denies the host or the address it resolves to.</summary>
    public const string Denied = "denied";

    /// <summary>The host name does not resolve.</summary>
    public const string UnknownHost = "unknown-host";

    /// <summary>Nothing listens at the address and port.</summary>
    public const string ConnectionRefused = "connection-refused";

    /// <summary>The connection failed or broke for another reason (reset, unreachable, TLS, protocol error).</summary>
    public const string ConnectionFailed = "connection-failed";

    /// <summary>An attempt passed the request time limit.</summary>
    public const string Timeout = "timeout";

    /// <summary>The body is longer than the job's cap; reading stopped there.</summary>
    public const string BodyTooLarge = "body-too-large";

    /// <summary>A redirect led back to a URL already visited.</summary>
    public const string RedirectLoop = "redirect-loop";

    /// <summary>More redirects than the job allows.</summary>
    public const string TooManyRedirects = "too-many-redirects";

    /// <summary>A redirect without a usable <c>Location</c>, or one an upload cannot follow.</summary>
    public const string BadRedirect = "bad-redirect";

    /// <summary>The upload's file could not be opened or read.</summary>
    public const string FileUnreadable = "file-unreadable";

    /// <summary>The upload's path leads outside its folder.</summary>
    public const string FileOutsideFolder = "file-outside-folder";

    /// <summary>The body could not be written into the save folder.</summary>
    public const string SaveFailed = "save-failed";

    /// <summary>The job was cancelled before or while the request ran.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The job's time limit passed before or while the request ran.</summary>
    public const string JobTimeout = "job-timeout";

    /// <summary>Gets the reason of a final HTTP status that is not a success, for example <c>http-404</c>.</summary>
    public static string ForStatus(int statusCode) => "http-" + statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
