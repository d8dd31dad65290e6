using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Grid.Fetch;

/// <summary>The silo's fetch policy in force: decides which URLs, addresses and folders jobs may use, and says why when they may not.</summary>
internal sealed class FetchPolicy
{
    private static readonly IPNetwork[] PrivateNetworks =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("fc00::/7"),
    ];

    private static readonly IPNetwork ThisNetwork = IPNetwork.Parse("0.0.0.0/8");

    private readonly string[] _schemes;
    private readonly string[] _allowedHosts;
    private readonly string[] _deniedHosts;
    private readonly IPNetwork[] _deniedNetworks;
    private readonly bool _denyLoopback;
    private readonly bool _denyPrivate;
    private readonly string[] _uploadRoots;
    private readonly string[] _saveRoots;

    public FetchPolicy(IOptions<FetchPolicyOptions> options)
    {
        var o = options.Value;
        Options = o;
        _schemes = [.. o.EffectiveSchemes.Select(s => s.ToLowerInvariant())];
        _allowedHosts = o.AllowedHosts ?? [];
        _deniedHosts = o.DeniedHosts ?? [];
        _deniedNetworks = [.. o.EffectiveDeniedNetworks.Select(n => IPNetwork.Parse(n))];
        _denyLoopback = o.DenyLoopback;
        _denyPrivate = o.DenyPrivateNetworks;
        _uploadRoots = [.. (o.UploadRoots ?? []).Select(FolderPrefix)];
        _saveRoots = [.. (o.SaveRoots ?? []).Select(FolderPrefix)];
    }

    public FetchPolicyOptions Options { get; }

    /// <summary>Checks a URL's scheme and host against the policy; returns the reason and a sentence when it is refused, else <see langword="null"/>.</summary>
    public (string Reason, string Message)? CheckUrl(Uri url)
    {
        if (!_schemes.Contains(url.Scheme))
        {
            return (FetchReasons.UnsupportedScheme, $"The scheme '{url.Scheme}' is not allowed; this silo fetches {string.Join(" and ", _schemes)} URLs.");
        }

        var host = url.IdnHost;
        if (_deniedHosts.Any(p => HostPattern.Matches(p, host)))
        {
            return (FetchReasons.Denied, $"The host {host} is denied by the silo's policy ({FetchPolicyOptions.SectionName}:DeniedHosts).");
        }

        if (_allowedHosts.Length > 0 && !_allowedHosts.Any(p => HostPattern.Matches(p, host)))
        {
            return (FetchReasons.Denied, $"The host {host} is not on the silo's allow list ({FetchPolicyOptions.SectionName}:AllowedHosts).");
        }

        // An address in the URL itself is refused here, before any connection; names are checked once resolved.
        return url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(url.DnsSafeHost, out var address) && CheckAddress(address) is { } denial
                ? (FetchReasons.Denied, denial)
                : null;
    }

    /// <summary>Checks an address a connection would go to; returns why it is denied, or <see langword="null"/> when it is allowed.</summary>
    public string? CheckAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _deniedNetworks)
        {
            if (network.Contains(address))
            {
                return $"The address {address} is in the denied range {network} ({FetchPolicyOptions.SectionName}:DeniedNetworks).";
            }
        }

        if (_denyLoopback && (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || (address.AddressFamily == AddressFamily.InterNetwork && ThisNetwork.Contains(address))))
        {
            return $"The address {address} is a loopback address, denied by the silo's policy ({FetchPolicyOptions.SectionName}:DenyLoopback).";
        }

        if (_denyPrivate)
        {
            foreach (var range in PrivateNetworks)
            {
                if (range.Contains(address))
                {
                    return $"The address {address} is in the private range {range}, denied by the silo's policy ({FetchPolicyOptions.SectionName}:DenyPrivateNetworks).";
                }
            }
        }

        return null;
    }

    /// <summary>Throws a <see cref="GridException"/> unless the policy lets jobs read (<paramref name="upload"/>) or write the folder <paramref name="folder"/>.</summary>
    public void ThrowIfFolderNotAllowed(string folder, bool upload)
    {
        if (Options.AllowAnyFolder)
        {
            return;
        }

        var roots = upload ? _uploadRoots : _saveRoots;
        var setting = $"{FetchPolicyOptions.SectionName}:{(upload ? "UploadRoots" : "SaveRoots")}";
        if (roots.Length == 0)
        {
            throw new GridException($"This silo does not let jobs {(upload ? "upload files" : "save bodies")}: {setting} lists no folders.");
        }

        if (!IsUnder(folder, roots))
        {
            throw new GridException($"The folder {folder} is not under a folder this silo allows ({setting}: {string.Join(", ", roots)}).");
        }
    }

    /// <summary>Gets whether <paramref name="path"/> lies inside a folder the policy lets uploads read, when it must be checked.</summary>
    public bool MayRead(string path) => Options.AllowAnyFolder || IsUnder(path, _uploadRoots);

    /// <summary>Gets a folder's full path ending in a separator, so that prefix tests cannot match a sibling (<c>/data</c> and <c>/database</c>).</summary>
    public static string FolderPrefix(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;

    /// <summary>Gets whether the full path <paramref name="path"/> is one of <paramref name="folders"/> (given by <see cref="FolderPrefix"/>) or inside one.</summary>
    public static bool IsUnder(string path, IEnumerable<string> folders)
    {
        var full = FolderPrefix(path);
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return folders.Any(root => full.StartsWith(root, comparison));
    }
}
