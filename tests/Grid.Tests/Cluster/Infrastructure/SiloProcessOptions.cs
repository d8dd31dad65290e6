namespace Grid.Tests.Cluster;

/// <summary>How a test starts one real silo program: its name, its cluster and any further settings.</summary>
/// <remarks>Settings reach the silo as environment variables (<c>Grid__Silo__Name</c> for <c>Grid:Silo:Name</c>).</remarks>
public sealed record SiloProcessOptions
{
    /// <summary>The silo's name (<c>Grid:Silo:Name</c>), also the label of its lines in <see cref="SiloProcess.Log"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The AMQP URI of the broker (<c>Grid:Cluster:Connection</c>); null runs the silo on its own, outside any cluster.</summary>
    public string? ClusterConnection { get; init; }

    /// <summary>The cluster's name, which prefixes its queues and exchanges (<c>Grid:Cluster:Name</c>); null keeps the silo's default.</summary>
    public string? ClusterName { get; init; }

    /// <summary>Kernels the silo runs at once (<c>Grid:Silo:MaxLocalWorkers</c>).</summary>
    /// <value>The default value is 2: two or three silos then share this machine's two cores without starving the test.</value>
    public int MaxLocalWorkers { get; init; } = 2;

    /// <summary>Further settings as environment variables (<c>Grid__Kernels__Assemblies__0</c>, <c>Grid__Dashboard__Urls</c>);
    /// they win over the ones the options above set.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra command-line arguments for the silo program (<c>--Grid:Silo:IdleTimeout=00:00:05</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
