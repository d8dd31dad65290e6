using System.Net;
using Microsoft.Extensions.Options;

namespace Grid.Dashboard.Hosting;

/// <summary>Rejects dashboard settings at start, naming the setting: a malformed address, a short token, or a non-loopback address without a token.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    private const string UrlsKey = DashboardOptions.SectionName + ":Urls";
    private const string TokenKey = DashboardOptions.SectionName + ":Token";

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var failures = new List<string>();
        var urls = SplitUrls(options.Urls);
        if (urls.Count == 0)
        {
            failures.Add($"{UrlsKey} must name at least one address such as {DashboardOptions.DefaultUrls}; got '{options.Urls}'.");
        }

        var nonLoopback = new List<string>();
        foreach (var url in urls)
        {
            // Kestrel's wildcards (http://*:5180, http://+:5180) listen on every interface; parse them as 0.0.0.0.
            var parsable = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                failures.Add($"{UrlsKey} must list http:// or https:// addresses with a host and a port, such as {DashboardOptions.DefaultUrls}, separated by ';'; got '{url}'.");
            }
            else if (!IsLoopback(uri))
            {
                nonLoopback.Add(url);
            }
        }

        if (HasToken(options))
        {
            if (options.Token!.Length < DashboardOptions.MinTokenLength)
            {
                failures.Add($"{TokenKey} must be at least {DashboardOptions.MinTokenLength} characters long; got {options.Token.Length}.");
            }
        }
        else if (nonLoopback.Count > 0)
        {
            failures.Add($"{TokenKey} must be set when {UrlsKey} binds a non-loopback address (got {string.Join(';', nonLoopback)}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Gets whether a token is configured; an empty value (an unset environment variable) counts as none.</summary>
    internal static bool HasToken(DashboardOptions options) => !string.IsNullOrEmpty(options.Token);

    /// <summary>Splits the <c>;</c>-separated list of addresses.</summary>
    internal static List<string> SplitUrls(string? urls)
        => [.. (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Gets whether <paramref name="uri"/> only accepts connections from this machine: <c>localhost</c>, 127.x or ::1 (never <c>*</c>, <c>+</c>, 0.0.0.0 or a host name).</summary>
    internal static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
