namespace Grid.Fetch;

/// <summary>What the silo lets fetch and upload jobs reach, bound from the <c>Grid:Fetch</c> configuration section: schemes, hosts, addresses, folders and ceilings.</summary>
/// <remarks>
/// The policy is the operator's, not the client's: a client cannot widen it. Addresses are checked after DNS resolution, on every
/// connection the silo opens (redirects included), so a name that resolves to a denied address is denied too.
/// </remarks>
public sealed class FetchPolicyOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Fetch";

    /// <summary>The schemes a URL may have when <see cref="AllowedSchemes"/> is not set, and the only ones it may list.</summary>
    public static readonly IReadOnlyList<string> SupportedSchemes = ["http", "https"];

    /// <summary>The address ranges denied when <see cref="DeniedNetworks"/> is not set: link-local addresses (where cloud metadata services answer) and AWS's IPv6 metadata address.</summary>
    public static readonly IReadOnlyList<string> DefaultDeniedNetworks = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"];

    /// <summary>Gets or sets the URL schemes jobs may request: <c>http</c>, <c>https</c> or both.</summary>
    /// <value>The default value is <see langword="null"/>: http and https.</value>
#pragma warning disable CA1819 // Options bound from configuration: arrays bind as set, lists would append to their defaults.
    public string[]? AllowedSchemes { get; set; }

    /// <summary>Gets or sets the hosts jobs may request, as names (<c>api.example.com</c>) or wildcards (<c>*.example.com</c>, its subdomains); empty allows every host not denied.</summary>
    /// <value>The default value is empty.</value>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Gets or sets the hosts jobs may not request, in the same forms as <see cref="AllowedHosts"/>; a host on both lists is denied.</summary>
    /// <value>The default value is empty.</value>
    public string[] DeniedHosts { get; set; } = [];

    /// <summary>Gets or sets the address ranges (CIDR, for example <c>10.0.0.0/8</c>) no connection may go to; setting it replaces the defaults.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="DefaultDeniedNetworks"/>.</value>
    public string[]? DeniedNetworks { get; set; }

    /// <summary>Gets or sets whether loopback addresses (127.0.0.0/8, ::1, and 0.0.0.0, which reaches this machine) are denied.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DenyLoopback { get; set; }

    /// <summary>Gets or sets whether private and shared address ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are denied.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DenyPrivateNetworks { get; set; }

    /// <summary>Gets or sets the folders (with everything under them) upload jobs may read files from.</summary>
    /// <value>The default value is empty: a hosted silo uploads nothing unless <see cref="AllowAnyFolder"/> is set.</value>
    public string[] UploadRoots { get; set; } = [];

    /// <summary>Gets or sets the folders (with everything under them) fetch jobs may save bodies into.</summary>
    /// <value>The default value is empty: a hosted silo saves nothing unless <see cref="AllowAnyFolder"/> is set.</value>
    public string[] SaveRoots { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>Gets or sets whether jobs may read and write any folder the silo's process can; the silo embedded in a client (same user, same process) sets it.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowAnyFolder { get; set; }

    /// <summary>Gets or sets the most requests one job may keep in flight (the ceiling of its <c>MaxConcurrency</c>).</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxConcurrency { get; set; } = 10_000;

    /// <summary>Gets or sets the longest body one job may ask to read (the ceiling of its <c>MaxBodyBytes</c>).</summary>
    /// <value>The default value is 1 GiB.</value>
    public long MaxBodyBytes { get; set; } = 1L << 30;

    /// <summary>Gets or sets the longest URL taken, in characters; a longer input is that item's error.</summary>
    /// <value>The default value is 8,192.</value>
    public int MaxUrlLength { get; set; } = 8192;

    /// <summary>Gets the schemes in force.</summary>
    internal IReadOnlyList<string> EffectiveSchemes => AllowedSchemes ?? SupportedSchemes;

    /// <summary>Gets the denied ranges in force.</summary>
    internal IReadOnlyList<string> EffectiveDeniedNetworks => DeniedNetworks ?? DefaultDeniedNetworks;
}
