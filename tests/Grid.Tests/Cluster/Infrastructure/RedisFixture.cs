using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grid.Tests.TestKernels;
using StackExchange.Redis;

namespace Grid.Tests.Cluster;

/// <summary>The test run's own Redis server, which the cluster tests share for Orleans membership: its connection strings, fresh cluster names, restarts and clean-up.</summary>
/// <remarks>
/// scripts/test.sh starts the server on loopback with a password (scripts/redis.sh start) and hands the tests its StackExchange.Redis
/// connection string in <see cref="VariableName"/>, the same server over TLS in <see cref="TlsVariableName"/> and the CA to trust in
/// <see cref="CaVariableName"/>. Restarts go through the same script, so the server always comes back on the same ports with the same
/// password. Without the variables, or with a server that does not answer, every test of <see cref="RedisCollection"/> fails with a
/// message saying how to provide one: a cluster test never passes by skipping.
/// </remarks>
public sealed class RedisFixture : IAsyncLifetime
{
    /// <summary>The environment variable holding the connection string of the test Redis, e.g. <c>127.0.0.1:6390,password=PASSWORD</c>.</summary>
    public const string VariableName = "GRID_TEST_REDIS";

    /// <summary>The environment variable holding the connection string of the test Redis over TLS, e.g. <c>127.0.0.1:6391,password=PASSWORD,ssl=true,sslHost=localhost</c>.</summary>
    public const string TlsVariableName = "GRID_TEST_REDIS_TLS";

    /// <summary>The environment variable holding the path of the CA certificate (PEM) that signed the test Redis's TLS certificate.</summary>
    public const string CaVariableName = "GRID_TEST_REDIS_CA";

    private const string HowToProvide =
        "run the tests through scripts/test.sh, which installs and starts the test Redis on loopback and sets it, "
        + "or set it yourself: scripts/redis.sh start && eval \"$(scripts/redis.sh test-env)\"";

    /// <summary>How long a check of the server may take to connect: the server is on loopback, so this is a hang guard.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How often <see cref="RestartAsync"/> tries the server again while it is not back.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The connection string of the test Redis (plain port), with its password.</summary>
    public string ConnectionString => Required(VariableName);

    /// <summary>The connection string of the test Redis over TLS (<c>ssl=true,sslHost=localhost</c>); its certificate is for localhost and 127.0.0.1 and chains to <see cref="CaFile"/>.</summary>
    public string TlsConnectionString => Required(TlsVariableName);

    /// <summary>The CA certificate file (PEM) that the test Redis's TLS certificate chains to; no system store trusts it.</summary>
    public string CaFile
    {
        get
        {
            var path = Required(CaVariableName);
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"{CaVariableName} names {path}, which does not exist: {HowToProvide}.");
        }
    }

    /// <summary>Checks that the three variables are set and that the server answers PING with the password; every test of the collection fails with the reason if not.</summary>
    public async Task InitializeAsync()
    {
        foreach (var name in new[] { VariableName, TlsVariableName, CaVariableName })
        {
            _ = Required(name);
        }

        _ = CaFile;
        if (await TryPingAsync(ConnectionString) is { } failure)
        {
            throw new InvalidOperationException(
                $"The test Redis at {Redact(ConnectionString)} ({VariableName}) does not answer with its password: {failure.Message.TrimEnd('.')}. Is it running? {HowToProvide}.",
                failure);
        }
    }

    /// <summary>Nothing to release: the server outlives the test run, and each test cleans up its own cluster.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A cluster name no other test uses (<c>t</c> and 10 hex digits), so clusters of different tests on the one server never meet.</summary>
    public static string NewClusterName() => "t" + RandomNumberGenerator.GetHexString(10, lowercase: true);

    /// <summary>The options of <paramref name="connectionString"/> as a test connects with them: fail fast, no retries in the background, and for
    /// TLS the test CA (<see cref="CaFile"/>) as the only issuer trusted.</summary>
    public ConfigurationOptions Options(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)ConnectTimeout.TotalMilliseconds;
        options.AsyncTimeout = (int)ConnectTimeout.TotalMilliseconds;
        if (options.Ssl)
        {
            options.TrustIssuer(CaFile);
        }

        return options;
    }

    /// <summary>Connects to the test Redis with <see cref="ConnectionString"/> (or another connection string), for tests that look at the server directly.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(string? connectionString = null) =>
        await ConnectionMultiplexer.ConnectAsync(Options(connectionString ?? ConnectionString));

    /// <summary>Restarts the server (<c>scripts/redis.sh restart</c>) and waits until it answers PING again.</summary>
    /// <remarks>
    /// Every connection is dropped, and since the server persists nothing, every key is gone: the membership tables of every
    /// cluster with it. It comes back on the same ports with the same password and certificate, within a second here.
    /// </remarks>
    /// <exception cref="TimeoutException">It did not answer within <see cref="TestLimits.Hang"/> of the restart.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var result = await ToolRunner.RunAsync("bash", [RepositoryPaths.Combine("scripts", "redis.sh"), "restart"], cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"scripts/redis.sh restart failed with exit code {result.ExitCode}: {result.AllOutput.Trim()}"));
        }

        var deadline = DateTime.UtcNow + TestLimits.Hang;
        while (await TryPingAsync(ConnectionString) is { } failure)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the test Redis did not answer within {TestLimits.Hang.TotalSeconds:0} s of its restart: {failure.Message}", failure);
            }

            await Task.Delay(RetryInterval, cancellationToken);
        }
    }

    /// <summary>Deletes every key, in every database, whose name holds <paramref name="clusterName"/> (Orleans' membership table of the
    /// cluster, <c>{service}/members/{cluster}</c>, and whatever else the cluster keeps), and no other key.</summary>
    /// <returns>How many keys were deleted.</returns>
    public async Task<int> DeleteClusterAsync(string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        var options = Options(ConnectionString);
        // INFO, which names the databases that hold keys, is an admin command to StackExchange.Redis.
        options.AllowAdmin = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var pattern = "*" + EscapeGlob(clusterName) + "*";
        var deleted = 0L;
        foreach (var database in await DatabasesWithKeysAsync(server))
        {
            // KeysAsync pages through SCAN, never KEYS, so a large database does not block the server.
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(database, pattern, pageSize: 500).WithCancellation(cancellationToken))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                deleted += await connection.GetDatabase(database).KeyDeleteAsync(keys.ToArray());
            }
        }

        return checked((int)deleted);
    }

    /// <summary>Connects to <paramref name="connectionString"/> and sends PING: null when it answered, else what went wrong.</summary>
    private async Task<Exception?> TryPingAsync(string connectionString)
    {
        try
        {
            await using var connection = await ConnectAsync(connectionString);
            await connection.GetDatabase().PingAsync();
            return null;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return exception;
        }
    }

    /// <summary>The numbers of the databases that hold keys, from INFO keyspace (<c>db0:keys=3,expires=0,avg_ttl=0</c>).</summary>
    private static async Task<int[]> DatabasesWithKeysAsync(IServer server)
    {
        var sections = await server.InfoAsync("keyspace");
        return [.. sections
            .SelectMany(section => section)
            .Where(entry => entry.Key.StartsWith("db", StringComparison.Ordinal))
            .Select(entry => int.Parse(entry.Key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture))
            .Order()];
    }

    /// <summary><paramref name="text"/> with every character that means something in a Redis glob pattern escaped.</summary>
    private static string EscapeGlob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"The cluster tests need the test Redis, named by {name}, which is not set: {HowToProvide}.");

    /// <summary>The connection string with its password blanked out, for messages.</summary>
    private static string Redact(string connectionString) =>
        string.Join(',', connectionString.Split(',').Select(part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));
}
