namespace Grid.Tests.Cluster;

/// <summary>How a test starts one real silo program: its name, its cluster, its ports and any further settings.</summary>
/// <remarks>Settings reach the silo as environment variables (<c>Grid__Silo__Name</c> for <c>Grid:Silo:Name</c>).</remarks>
public sealed record SiloProcessOptions
{
    /// <summary>The silo's name (<c>Grid:Silo:Name</c>), also the label of its lines in <see cref="SiloProcess.Log"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The StackExchange.Redis connection string of the cluster's membership (<c>Grid:Cluster:Connection</c>), e.g.
    /// <see cref="RedisFixture.ConnectionString"/>; null runs the silo on its own, outside any cluster (Orleans' localhost clustering).</summary>
    public string? ClusterConnection { get; init; }

    /// <summary>The cluster's name, Orleans' cluster and service id, which the cluster's Redis keys hold (<c>Grid:Cluster:Name</c>); null keeps the silo's default.</summary>
    public string? ClusterName { get; init; }

    /// <summary>The CA file (PEM) the Redis server's certificate must chain to, for a <see cref="ClusterConnection"/> with <c>ssl=true</c>
    /// (<c>Grid:Cluster:TlsCaFile</c>), e.g. <see cref="RedisFixture.CaFile"/>; null trusts the system's CAs.</summary>
    public string? ClusterTlsCaFile { get; init; }

    /// <summary>The loopback port the silo talks to other silos on (<c>Grid:Cluster:SiloPort</c>); null picks a free one.</summary>
    public int? SiloPort { get; init; }

    /// <summary>The loopback port clients reach the silo on, Orleans' gateway (<c>Grid:Cluster:GatewayPort</c>); null picks a free one.</summary>
    public int? GatewayPort { get; init; }

    /// <summary>Kernels the silo runs at once (<c>Grid:Silo:MaxLocalWorkers</c>).</summary>
    /// <value>The default value is 2: two or three silos then share this machine's two cores without starving the test.</value>
    public int MaxLocalWorkers { get; init; } = 2;

    /// <summary>Further settings as environment variables (<c>Grid__Kernels__Assemblies__0</c>, <c>Grid__Dashboard__Urls</c>);
    /// they win over the ones the options above set, and an empty value removes one of those (so a file's value can show).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The folder the silo runs in, its content root, where it reads <c>appsettings.json</c>; null runs it in the program's own folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra command-line arguments for the silo program (<c>--Grid:Silo:IdleTimeout=00:00:05</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
