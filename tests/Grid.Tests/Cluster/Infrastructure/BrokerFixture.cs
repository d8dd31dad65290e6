using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Grid.Tests.Cluster;

/// <summary>The local RabbitMQ broker the cluster tests share: its connection string, fresh cluster names, restarts and clean-up.</summary>
/// <remarks>
/// scripts/test.sh starts the broker on loopback and hands the tests a user of their own in <see cref="VariableName"/>, and the same
/// user over TLS in <see cref="TlsVariableName"/> with the CA to trust in <see cref="CaVariableName"/>.
/// Start, stop and restart go through scripts/rabbitmq.sh, the same script, so the broker always comes back on loopback.
/// Without the variable, or with a broker that does not answer, every test of <see cref="BrokerCollection"/> fails with a
/// message saying how to provide one: a cluster test never passes by skipping.
/// </remarks>
public sealed class BrokerFixture : IAsyncLifetime
{
    /// <summary>The environment variable holding the AMQP URI of the test broker, with the test user's credentials and virtual host.</summary>
    public const string VariableName = "GRID_TEST_RABBITMQ";

    /// <summary>The environment variable holding the AMQP-over-TLS URI of the test broker (<c>amqps://</c>, port 5671), with the same user and virtual host.</summary>
    public const string TlsVariableName = "GRID_TEST_RABBITMQ_TLS";

    /// <summary>The environment variable holding the path of the CA certificate (PEM) that signed the test broker's TLS certificate.</summary>
    public const string CaVariableName = "GRID_TEST_RABBITMQ_CA";

    private const string HowToProvide =
        "run the tests through scripts/test.sh, which installs and starts RabbitMQ on loopback and sets it, "
        + "or set it yourself: eval \"$(scripts/rabbitmq.sh test-env)\" after scripts/rabbitmq.sh start";

    private readonly string? connectionString = Environment.GetEnvironmentVariable(VariableName);

    /// <summary>The AMQP URI of the test broker, e.g. <c>amqp://grid-test:PASSWORD@127.0.0.1:5672/grid-test</c>.</summary>
    public string ConnectionString => connectionString
        ?? throw new InvalidOperationException($"{VariableName} is not set: {HowToProvide}.");

    /// <summary>The AMQP-over-TLS URI of the test broker, e.g. <c>amqps://grid-test:PASSWORD@127.0.0.1:5671/grid-test</c>; its certificate is for localhost and 127.0.0.1.</summary>
    public string TlsConnectionString => Environment.GetEnvironmentVariable(TlsVariableName) is { Length: > 0 } uri
        ? uri
        : throw new InvalidOperationException($"{TlsVariableName} is not set: {HowToProvide}.");

    /// <summary>The CA certificate file (PEM) that the test broker's TLS certificate chains to; no system store trusts it.</summary>
    public string CaFile => Environment.GetEnvironmentVariable(CaVariableName) is { Length: > 0 } path
        ? (File.Exists(path) ? path : throw new InvalidOperationException($"{CaVariableName} names {path}, which does not exist: {HowToProvide}."))
        : throw new InvalidOperationException($"{CaVariableName} is not set: {HowToProvide}.");

    /// <summary>The virtual host of <see cref="ConnectionString"/>.</summary>
    public string VirtualHost => new ConnectionFactory { Uri = new Uri(ConnectionString) }.VirtualHost;

    /// <summary>Checks that the broker answers with the test credentials; every test of the collection fails with the reason if not.</summary>
    public async Task InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"The cluster tests need a RabbitMQ broker, named by {VariableName}, which is not set: {HowToProvide}.");
        }

        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new InvalidOperationException($"{VariableName} must be an AMQP URI like amqp://user:password@127.0.0.1:5672/vhost; got '{Redact(connectionString)}'.");
        }

        try
        {
            // A refused virtual host surfaces only at the first channel (RabbitMQ.Client 7 returns the connection).
            await using var connection = await ConnectAsync("grid-tests: broker check");
            await using var channel = await connection.CreateChannelAsync();
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException)
        {
            throw new InvalidOperationException(
                $"The test broker at {Redact(connectionString)} ({VariableName}) does not accept the test user: {exception.InnerException?.Message ?? exception.Message}. "
                + $"Is it running? {HowToProvide}.",
                exception);
        }
    }

    /// <summary>Nothing to release: the broker outlives the test run, and each test cleans up its own cluster.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A cluster name no other test uses (<c>t-</c> and 8 hex digits), so tests on the one broker and virtual host never meet.</summary>
    public static string NewClusterName() => "t-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Opens an AMQP connection to the test broker with the test user (no automatic recovery), for tests that look at the broker directly.</summary>
    public Task<IConnection> ConnectAsync(string clientName = "grid-tests", CancellationToken cancellationToken = default) =>
        CreateFactory(ConnectionString).CreateConnectionAsync(clientName, cancellationToken);

    /// <summary>A connection factory for <paramref name="uri"/> that fails fast and does not recover on its own.</summary>
    public static ConnectionFactory CreateFactory(string uri) => new()
    {
        Uri = new Uri(uri),
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Restarts the broker application (<c>rabbitmqctl stop_app</c> then <c>start_app</c>) and waits until it accepts connections again.</summary>
    /// <remarks>
    /// Every client connection is closed and every queue process stops and starts again (durable queues come back with
    /// their persistent messages, transient ones are gone), as in a full restart; the Erlang VM stays up, which makes it
    /// about 3 s here until the broker accepts connections again, against about 8.5 s for <see cref="StopBrokerAsync"/>
    /// plus <see cref="StartBrokerAsync"/>.
    /// </remarks>
    public Task RestartBrokerAsync(CancellationToken cancellationToken = default) => RunScriptAsync(cancellationToken, "restart-app");

    /// <summary>Stops the broker and its Erlang VM (<c>rabbitmqctl shutdown</c>); clients then find nothing listening on 5672.</summary>
    public Task StopBrokerAsync(CancellationToken cancellationToken = default) => RunScriptAsync(cancellationToken, "stop");

    /// <summary>Starts the broker on loopback unless it runs (<c>rabbitmq-server -detached</c>) and waits until it accepts connections.</summary>
    public Task StartBrokerAsync(CancellationToken cancellationToken = default) => RunScriptAsync(cancellationToken, "start", "60");

    /// <summary>The names of the queues on the test virtual host that start with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<string>> ListQueuesAsync(string prefix, CancellationToken cancellationToken = default) =>
        Matching(await RunScriptAsync(cancellationToken, "list-queues", VirtualHost), prefix);

    /// <summary>The names of the exchanges on the test virtual host that start with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<string>> ListExchangesAsync(string prefix, CancellationToken cancellationToken = default) =>
        Matching(await RunScriptAsync(cancellationToken, "list-exchanges", VirtualHost), prefix);

    /// <summary>Deletes every queue and exchange of cluster <paramref name="clusterName"/> (their names start with it), whatever they hold.</summary>
    /// <returns>How many queues and exchanges were deleted.</returns>
    public async Task<int> DeleteClusterAsync(string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        var queues = await ListQueuesAsync(clusterName, cancellationToken);
        var exchanges = await ListExchangesAsync(clusterName, cancellationToken);
        if (queues.Count + exchanges.Count == 0)
        {
            return 0;
        }

        await using var connection = await ConnectAsync("grid-tests: clean-up", cancellationToken);
        var deleted = 0;
        foreach (var (name, isQueue) in queues.Select(q => (q, true)).Concat(exchanges.Select(e => (e, false))))
        {
            // A failed delete closes its channel, so each delete gets its own.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                if (isQueue)
                {
                    await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
                }
                else
                {
                    await channel.ExchangeDeleteAsync(name, ifUnused: false, cancellationToken: cancellationToken);
                }

                deleted++;
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode is 404 or 405)
            {
                // Gone meanwhile (404), or an exclusive queue of a connection still open (405) that goes with it.
            }
        }

        return deleted;
    }

    private static string[] Matching(string listing, string prefix) =>
        [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))];

    private static string Redact(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.UserInfo.Contains(':', StringComparison.Ordinal)
            ? uri.Replace(parsed.UserInfo, parsed.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
            : uri;

    private static async Task<string> RunScriptAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await ToolRunner.RunAsync("bash", [RepositoryPaths.Combine("scripts", "rabbitmq.sh"), .. arguments], cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"scripts/rabbitmq.sh {string.Join(' ', arguments)} failed with exit code {result.ExitCode}: {result.AllOutput.Trim()}"));
    }
}
