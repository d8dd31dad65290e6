namespace Grid.Dashboard.Web;

/// <summary>The page, its script, its style and its icon, read once from the assembly's embedded resources.</summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "Grid.Dashboard.wwwroot.";

    private readonly Dictionary<string, (byte[] Content, string ContentType)> _assets = new(StringComparer.Ordinal);

    public DashboardAssets()
    {
        Add("/", "index.html", "text/html; charset=utf-8");
        Add("/app.js", "app.js", "text/javascript; charset=utf-8");
        Add("/app.css", "app.css", "text/css; charset=utf-8");
        Add("/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    /// <summary>Gets the request paths that serve an asset.</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>Gets the asset served at <paramref name="path"/>.</summary>
    public (byte[] Content, string ContentType) Get(string path) => _assets[path];

    private void Add(string path, string resource, string contentType)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(Prefix + resource)
            ?? throw new InvalidOperationException($"The dashboard's embedded resource {Prefix + resource} is missing from {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        _assets[path] = (copy.ToArray(), contentType);
    }
}
