namespace Grid.Hosting.Cluster;

/// <summary>How a silo joins its cluster, bound from the <c>Grid:Cluster</c> configuration section: the Redis its membership lives on, its ports and address, and how fast a lost silo is declared dead.</summary>
public sealed class GridClusterOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Cluster";

    /// <summary>Gets or sets the cluster's name: Orleans' cluster id and service id, so several grids can share one Redis.</summary>
    /// <value>The default value is <c>grid</c>.</value>
    public string Name { get; set; } = "grid";

    /// <summary>Gets or sets the StackExchange.Redis connection string of the cluster's membership table (<c>host:port,password=...</c>, <c>,ssl=true</c> for TLS); take the password from configuration or the environment.</summary>
    /// <value>The default value is <see langword="null"/>: the silo runs alone, with Orleans' localhost clustering.</value>
    public string? Connection { get; set; }

    /// <summary>Gets or sets a PEM file of the CA certificates the Redis server's certificate must chain to (with <c>ssl=true</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the system's CAs.</value>
    public string? TlsCaFile { get; set; }

    /// <summary>Gets or sets the port silos talk to each other on.</summary>
    /// <value>The default value is 11111.</value>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port clients connect to (Orleans' gateway).</summary>
    /// <value>The default value is 30000.</value>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Gets or sets the address the silo gives other silos and clients, and listens on all interfaces for.</summary>
    /// <value>The default value is <see langword="null"/>: the silo listens on 127.0.0.1 only.</value>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Gets or sets how long one membership probe of another silo may go unanswered.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many probes in a row a silo may miss before its prober votes it dead.</summary>
    /// <value>The default value is 2.</value>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Gets or sets how many votes declare a silo dead.</summary>
    /// <value>The default value is 1: with 1 s probes, a crashed silo is declared dead within about 3 s.</value>
    public int NumVotesForDeathDeclaration { get; set; } = 1;

    /// <summary>Gets or sets how often a silo writes its heartbeat into the membership table.</summary>
    /// <remarks>An entry without a heartbeat for three of these is stale: a silo starting after every silo of the cluster died (a full restart) joins once the dead silos' entries are stale, since it cannot reach them to vote them out.</remarks>
    /// <value>The default value is 5 seconds: a full restart joins within about 15 s of the last silo's death.</value>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long the pools' grain directory holds back the entries of silos that died before it places their grains again (Orleans' <c>RangeLeaseDuration</c>).</summary>
    /// <remarks>Until it passes, a silo that joined after the others died cannot register its worker pool, so a job it resumes takes no chunks.</remarks>
    /// <value>The default value is 5 seconds: longer than a crashed silo takes to be declared dead (about 3 s), instead of Orleans' 30 s.</value>
    public TimeSpan DirectoryLease { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long connecting to Redis may take.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest message body, in bytes, a silo sends or takes (Orleans' <c>MaxMessageBodySize</c>); every silo and client of a cluster must agree on it.</summary>
    /// <value>The default value is 104,857,600 (100 MiB). Grid keeps its input batches, chunks and result parts within an eighth of it; a single item must fit within it.</value>
    public int MaxMessageBytes { get; set; } = Grid.Serialization.PayloadSize.DefaultMessageLimit;
}
