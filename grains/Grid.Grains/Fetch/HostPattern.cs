namespace Grid.Fetch;

/// <summary>The host forms the policy's host lists take: an exact name (<c>api.example.com</c>) or a wildcard for subdomains (<c>*.example.com</c>).</summary>
internal static class HostPattern
{
    /// <summary>Gets whether <paramref name="pattern"/> is a host name or a <c>*.</c> wildcard.</summary>
    public static bool IsValid(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return false;
        }

        var name = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        return Uri.CheckHostName(name) != UriHostNameType.Unknown;
    }

    /// <summary>Gets whether <paramref name="host"/> (lower-case, as <see cref="Uri.IdnHost"/> gives it) matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            // "*.example.com" matches "a.example.com" and "a.b.example.com", not "example.com" or "badexample.com".
            return host.Length > pattern.Length - 1 && host.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern.TrimEnd('.'), host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }
}
