namespace Grid.Dashboard.Hosting;

/// <summary>Settings of the silo's dashboard, bound from the <c>Grid:Dashboard</c> configuration section.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Dashboard";

    /// <summary>The address the dashboard listens on when none is set.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5180";

    /// <summary>The fewest characters a token may have.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Gets or sets whether the silo program serves the dashboard; <c>AddDashboard</c> itself always does.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the addresses the dashboard listens on, separated by <c>;</c>; port 0 picks a free port.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5180</c>, reachable from this machine only.</value>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>Gets or sets whether Orleans' own dashboard (grains, silos, live logs) is served at <c>/orleans</c> by the same server, behind the same token.</summary>
    /// <value>The default value is <see langword="true"/>. Read when the silo is built: it adds Orleans' grain-call profiler to the silo.</value>
    public bool Orleans { get; set; } = true;

    /// <summary>Gets or sets the access token every request must carry, as <c>Authorization: Bearer</c> or <c>?access_token=</c>; required when <see cref="Urls"/> binds a non-loopback address.</summary>
    /// <value>The default value is <see langword="null"/>: no token, allowed on loopback addresses only.</value>
    public string? Token { get; set; }
}
