namespace Grid.Cluster;

/// <summary>How a silo or client reaches the cluster's broker and how the cluster behaves; bound from <c>Grid:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Grid:Cluster";

    /// <summary>Gets or sets the broker's AMQP URI, <c>amqp://user:password@host:5672/vhost</c> (or <c>amqps://</c> for TLS); <see langword="null"/> runs the silo on its own.</summary>
    /// <remarks>Give it through configuration or the environment (<c>Grid__Cluster__Connection</c>), never in code: it carries the password.</remarks>
    public string? Connection { get; set; }

    /// <summary>Gets or sets a PEM file of the CA certificates the broker's TLS certificate must chain to, for a broker behind a private CA; <see langword="null"/> trusts the system's CAs.</summary>
    /// <remarks>
    /// Only with an <c>amqps://</c> <see cref="Connection"/>. When set, the broker's certificate must chain to a certificate in this file, and the
    /// system's trusted CAs are not consulted; its name is still checked (<see cref="TlsServerName"/>). A relative path is taken from the working folder.
    /// </remarks>
    public string? TlsCaFile { get; set; }

    /// <summary>Gets or sets the name the broker's TLS certificate must hold (a DNS name or IP address in its subject alternative names); <see langword="null"/> expects the host of <see cref="Connection"/>.</summary>
    /// <remarks>Only with an <c>amqps://</c> <see cref="Connection"/>: for a broker reached by an address its certificate does not name, such as a tunnel or an IP address.</remarks>
    public string? TlsServerName { get; set; }

    /// <summary>Gets or sets the cluster's name, which prefixes every queue and exchange, so several grids can share one broker.</summary>
    /// <value>The default is <c>grid</c>.</value>
    public string Name { get; set; } = "grid";

    /// <summary>Gets or sets how often each member announces itself.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a member may stay silent before the others drop it; a client silent this long has its jobs cancelled.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest message a member sends or accepts, in bytes; larger ones are refused (and dead-lettered on receipt).</summary>
    /// <value>The default is 16 MiB.</value>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets the longest wait between two attempts to reach the broker; the wait doubles from 100 ms up to this.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long a client keeps trying to reach the broker before <c>ConnectAsync</c> fails.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a stopping silo lets its running chunks finish before handing them back to the queue.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most jobs one silo owns at once; more wait on the job queue for another silo or a free place.</summary>
    /// <value>The default is 256.</value>
    public int MaxJobsPerSilo { get; set; } = 256;

    /// <summary>Gets <see cref="TlsCaFile"/>, or <see langword="null"/> when it is blank (an empty environment variable sets nothing).</summary>
    internal string? CaFile => string.IsNullOrWhiteSpace(TlsCaFile) ? null : TlsCaFile;

    /// <summary>Gets <see cref="TlsServerName"/>, or <see langword="null"/> when it is blank.</summary>
    internal string? ServerName => string.IsNullOrWhiteSpace(TlsServerName) ? null : TlsServerName;
}
