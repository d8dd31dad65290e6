using Grid.Serialization;
using Microsoft.Extensions.Logging;

namespace Grid.Client;

/// <summary>How a client reaches a cluster of silos: the cluster's name, how long it may take to connect, and how soon it gives up on a job whose silo went silent.</summary>
public sealed record ClusterClientOptions
{
    /// <summary>Gets the cluster's name, as its silos' <c>Grid:Cluster:Name</c> (Orleans' cluster and service id).</summary>
    /// <value>The default value is <c>grid</c>.</value>
    public string Name { get; init; } = "grid";

    /// <summary>Gets how long connecting (Redis, then a silo's gateway) may take before <see cref="GridClient.ConnectAsync"/> gives up.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how long a running job may send nothing (it sends an empty batch every second while it has no result) before the client takes its silo for lost and runs the items it has no result for again.</summary>
    /// <value>The default value is 3 seconds: three missed heartbeats. A busy silo taken for lost by mistake costs work run twice, never a result.</value>
    public TimeSpan JobSilenceTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets a PEM file of the CA certificates the Redis server's certificate must chain to, for a connection string with <c>ssl=true</c>; <see langword="null"/> trusts the system's CAs.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Gets the largest message body, in bytes, the client sends or takes (Orleans' <c>MaxMessageBodySize</c>): the silos' <c>Grid:Cluster:MaxMessageBytes</c>.</summary>
    /// <value>The default value is 104,857,600 (100 MiB), the silos' default. The client keeps its input batches within an eighth of it.</value>
    public int MaxMessageBytes { get; init; } = PayloadSize.DefaultMessageLimit;

    /// <summary>Gets the logger of the client's connection, or <see langword="null"/> for none.</summary>
    public ILoggerProvider? LoggerProvider { get; init; }
}
