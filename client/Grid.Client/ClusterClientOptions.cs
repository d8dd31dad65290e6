using Grid.Cluster;
using Microsoft.Extensions.Logging;

namespace Grid.Client;

/// <summary>How a <see cref="GridClient"/> connected to a cluster finds it and keeps in touch with it.</summary>
public sealed record ClusterClientOptions
{
    /// <summary>Gets the cluster's name, as the silos' <c>Grid:Cluster:Name</c>.</summary>
    /// <value>The default is <c>grid</c>.</value>
    public string Name { get; init; } = "grid";

    /// <summary>Gets how long to keep trying to reach the broker before giving up.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how often the client tells the silos it is alive; a client silent for <see cref="MemberTimeout"/> has its jobs cancelled.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how long a silo may stay silent before the client stops counting it.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan MemberTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the largest message the client sends or accepts, in bytes.</summary>
    /// <value>The default is 16 MiB.</value>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Gets a PEM file of the CA certificates the broker's TLS certificate must chain to, for an <c>amqps://</c> broker behind a private CA; <see langword="null"/> trusts the system's CAs.</summary>
    /// <remarks>As the silos' <c>Grid:Cluster:TlsCaFile</c>: when set, the system's CAs are not consulted. Only with an <c>amqps://</c> connection.</remarks>
    public string? TlsCaFile { get; init; }

    /// <summary>Gets the name the broker's TLS certificate must hold; <see langword="null"/> expects the host of the connection URI.</summary>
    /// <remarks>As the silos' <c>Grid:Cluster:TlsServerName</c>. Only with an <c>amqps://</c> connection.</remarks>
    public string? TlsServerName { get; init; }

    /// <summary>Gets where the connection logs reconnections and refused messages; <see langword="null"/> logs nothing.</summary>
    public ILogger? Logger { get; init; }

    internal ClusterOptions ToClusterOptions(string connection) => new()
    {
        Connection = connection,
        Name = Name,
        ConnectTimeout = ConnectTimeout,
        HeartbeatInterval = HeartbeatInterval,
        MemberTimeout = MemberTimeout,
        MaxMessageBytes = MaxMessageBytes,
        TlsCaFile = TlsCaFile,
        TlsServerName = TlsServerName,
    };
}
