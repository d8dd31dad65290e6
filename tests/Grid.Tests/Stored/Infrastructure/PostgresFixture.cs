using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Grid.Tests.TestKernels;
using Npgsql;

namespace Grid.Tests.Stored;

/// <summary>The test run's own PostgreSQL server, which the job-store tests share: its connection strings, fresh databases, SQL run as its superuser, and restarts.</summary>
/// <remarks>
/// scripts/test.sh starts the server on loopback (scripts/postgres.sh start) and hands the tests two Npgsql connection strings:
/// <see cref="VariableName"/> for the role <c>grid</c> (no superuser, may create databases) in its database <c>grid</c>, and
/// <see cref="AdminVariableName"/> for the superuser <c>grid_admin</c> in the database <c>postgres</c>. Restarts go through the same
/// script, so the server always comes back on the same port with the same passwords and, unlike the test Redis, with its data.
/// Without the variables, or with a server that does not answer, every test of <see cref="Cluster.RedisCollection"/> (the collection of the tests that use the run's servers) fails with a
/// message saying how to provide one: a job-store test never passes by skipping.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The environment variable holding the <c>grid</c> role's connection string, e.g. <c>Host=127.0.0.1;Port=5440;Username=grid;Password=PASSWORD;Database=grid</c>.</summary>
    public const string VariableName = "GRID_TEST_POSTGRES";

    /// <summary>The environment variable holding the superuser's connection string, e.g. <c>Host=127.0.0.1;Port=5440;Username=grid_admin;Password=PASSWORD;Database=postgres</c>.</summary>
    public const string AdminVariableName = "GRID_TEST_POSTGRES_ADMIN";

    private const string HowToProvide =
        "run the tests through scripts/test.sh, which installs and starts the test PostgreSQL on loopback and sets it, "
        + "or set it yourself: scripts/postgres.sh start && eval \"$(scripts/postgres.sh test-env)\"";

    /// <summary>How long the fixture's own connections may take to open: the server is on loopback, so this is a hang guard.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How often <see cref="RestartAsync"/> tries the server again while it is not back.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The databases <see cref="CreateDatabaseAsync"/> made that are not dropped yet; <see cref="DisposeAsync"/> drops what a test left.</summary>
    private readonly ConcurrentDictionary<string, byte> _databases = new(StringComparer.Ordinal);

    /// <summary>The connection string of the role <c>grid</c> (not a superuser; it may create databases) to its database <c>grid</c>.</summary>
    public string ConnectionString => Required(VariableName);

    /// <summary>The connection string of the superuser <c>grid_admin</c> to the database <c>postgres</c>, for what the <c>grid</c> role may not do.</summary>
    public string AdminConnectionString => Required(AdminVariableName);

    /// <summary>Checks that both variables are set and that the server answers a query with each password; every test of the collection fails with the reason if not.</summary>
    public async Task InitializeAsync()
    {
        foreach (var name in new[] { VariableName, AdminVariableName })
        {
            var connectionString = Required(name);
            if (await TryQueryAsync(connectionString, CancellationToken.None) is { } failure)
            {
                throw new InvalidOperationException(
                    $"The test PostgreSQL at {Redact(connectionString)} ({name}) does not answer with its password: {failure.Message.TrimEnd('.')}. Is it running? {HowToProvide}.",
                    failure);
            }
        }
    }

    /// <summary>Drops every database <see cref="CreateDatabaseAsync"/> made that a test left behind; the server itself outlives the test run.</summary>
    public async Task DisposeAsync()
    {
        foreach (var name in _databases.Keys)
        {
            try
            {
                await DropAsync(name, CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The server is gone or busy: the database stays until the state folder is deleted, and harms no other test.
            }
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Opens a connection to the test PostgreSQL with <see cref="ConnectionString"/> (or another connection string), for tests that look at the server directly.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string? connectionString = null, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a fresh, empty database with a name no other test uses (<c>gt</c> and 10 hex digits), owned by the <c>grid</c> role,
    /// and returns the <c>grid</c> role's connection string to it; <see cref="DropDatabaseAsync"/> drops it.</summary>
    /// <remarks>It is copied from <c>template0</c>, so nothing added to <c>template1</c> can creep in: it holds the schema <c>public</c> and nothing else.</remarks>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "gt" + RandomNumberGenerator.GetHexString(10, lowercase: true);
        var grid = new NpgsqlConnectionStringBuilder(ConnectionString);
        var owner = grid.Username is { Length: > 0 } user
            ? user
            : throw new InvalidOperationException($"{VariableName} names no Username: {HowToProvide}.");
        _databases[name] = 0;
        await ExecuteAsAdminAsync(AdminConnectionString, $"CREATE DATABASE {Identifier(name)} OWNER {Identifier(owner)} TEMPLATE template0", cancellationToken);
        grid.Database = name;
        return grid.ConnectionString;
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, named by its connection string, even while connections to it are open
    /// (<c>WITH (FORCE)</c> ends them); a database already gone is no error.</summary>
    /// <exception cref="ArgumentException">The connection string names a database that <see cref="CreateDatabaseAsync"/> did not make (<c>grid</c>, say).</exception>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (name is null || name.Length != 12 || !name.StartsWith("gt", StringComparison.Ordinal) || !name[2..].All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"DropDatabaseAsync drops only databases CreateDatabaseAsync made (gt and 10 hex digits), not '{name}'.", nameof(connectionString));
        }

        // Pooled connections to the database are ended by the drop: let none of them be handed out again.
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await DropAsync(name, cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> (one statement or several, separated by semicolons) as the superuser <c>grid_admin</c> in the database that
    /// <paramref name="connectionString"/> names, for tests that revoke privileges, break tables or change what the <c>grid</c> role may not.</summary>
    public async Task ExecuteAsAdminAsync(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        await using var connection = await OpenAsAdminAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs the query <paramref name="sql"/> as the superuser <c>grid_admin</c> in the database that <paramref name="connectionString"/>
    /// names and returns the first column of its first row, for tests that inspect what the <c>grid</c> role may not read.</summary>
    /// <exception cref="InvalidOperationException">The query returned no row.</exception>
    public async Task<T> QueryAsAdminAsync<T>(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        await using var connection = await OpenAsAdminAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? await reader.GetFieldValueAsync<T>(0, cancellationToken)
            : throw new InvalidOperationException($"the query returned no row: {sql}");
    }

    /// <summary>Restarts the server (<c>scripts/postgres.sh restart</c>, a fast shutdown and a start) and returns once it answers again.</summary>
    /// <remarks>
    /// Every connection is dropped: one that was open fails on its next command. Every committed transaction is kept, since the
    /// data stays on disk. The server comes back on the same port with the same passwords, within a second here. Npgsql's pools
    /// are cleared, so a pooled connection opened afterwards is a new one rather than one the restart broke.
    /// </remarks>
    /// <exception cref="TimeoutException">It did not answer within <see cref="TestLimits.Hang"/> of the restart.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        // The script finds the server by its port (and the state folder in GRID_POSTGRES_STATE, inherited): the connection string's.
        var port = new NpgsqlConnectionStringBuilder(ConnectionString).Port;
        var result = await ToolRunner.RunAsync(
            "bash",
            [RepositoryPaths.Combine("scripts", "postgres.sh"), "restart"],
            new Dictionary<string, string?> { ["GRID_POSTGRES_PORT"] = port.ToString(CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"scripts/postgres.sh restart failed with exit code {result.ExitCode}: {result.AllOutput.Trim()}"));
        }

        NpgsqlConnection.ClearAllPools();
        var deadline = DateTime.UtcNow + TestLimits.Hang;
        while (await TryQueryAsync(ConnectionString, cancellationToken) is { } failure)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the test PostgreSQL did not answer within {TestLimits.Hang.TotalSeconds:0} s of its restart: {failure.Message}", failure);
            }

            await Task.Delay(RetryInterval, cancellationToken);
        }
    }

    /// <summary>Opens an unpooled connection as the superuser to the database that <paramref name="connectionString"/> names (an unpooled one,
    /// so no idle superuser session outlives the call and keeps a database from being dropped).</summary>
    private async Task<NpgsqlConnection> OpenAsAdminAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database is { Length: > 0 } name
            ? name
            : throw new ArgumentException("the connection string names no Database", nameof(connectionString));
        var admin = FixtureConnection(AdminConnectionString);
        admin.Database = database;
        return await OpenAsync(admin.ConnectionString, cancellationToken);
    }

    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        await ExecuteAsAdminAsync(AdminConnectionString, $"DROP DATABASE IF EXISTS {Identifier(name)} WITH (FORCE)", cancellationToken);
        _databases.TryRemove(name, out _);
    }

    /// <summary>Opens an unpooled connection with <paramref name="connectionString"/> and runs <c>SELECT 1</c>: null when it answered, else what went wrong.</summary>
    private static async Task<Exception?> TryQueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(FixtureConnection(connectionString).ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or ArgumentException)
        {
            // ArgumentException: the variable holds no valid connection string.
            return exception;
        }
    }

    /// <summary><paramref name="connectionString"/> as the fixture's own connections use it: unpooled, quick to give up connecting, and bounded by <see cref="TestLimits.Hang"/>.</summary>
    private static NpgsqlConnectionStringBuilder FixtureConnection(string connectionString) => new(connectionString)
    {
        Pooling = false,
        Timeout = (int)ConnectTimeout.TotalSeconds,
        CommandTimeout = (int)TestLimits.Hang.TotalSeconds,
    };

    /// <summary><paramref name="name"/> as a quoted SQL identifier.</summary>
    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"The job-store tests need the test PostgreSQL, named by {name}, which is not set: {HowToProvide}.");

    /// <summary>The connection string with its password blanked out, for messages.</summary>
    private static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.Password is not null)
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(not a connection string)";
        }
    }
}
