using Npgsql;

namespace Grid.Tests.Stored;

/// <summary>The test PostgreSQL is real, listens on loopback only, takes its passwords and nothing else, keeps the <c>grid</c> role from being a
/// superuser, hands out fresh databases, and really restarts, dropping connections but keeping data.</summary>
[Collection(Grid.Tests.Cluster.RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ConnectionString_Password_ConnectsOverLoopbackAsGridToTheGridDatabase()
    {
        await using var connection = await postgres.OpenAsync();

        var (user, database, address, port) = await ServerSideAsync(connection);

        Assert.Equal("grid", user);
        Assert.Equal("grid", database);
        Assert.Equal("127.0.0.1", address);
        Assert.Equal(new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Port, port);
    }

    [Fact]
    public async Task AdminConnectionString_Password_ConnectsAsTheSuperuserToThePostgresDatabase()
    {
        await using var connection = await postgres.OpenAsync(postgres.AdminConnectionString);

        var (user, database, address, _) = await ServerSideAsync(connection);

        Assert.Equal("grid_admin", user);
        Assert.Equal("postgres", database);
        Assert.Equal("127.0.0.1", address);
    }

    [Fact]
    public async Task Server_Listeners_BindLoopbackOnly()
    {
        var port = new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Port;

        var sockets = await ToolRunner.RunAsync("ss", ["-ltnH"]);
        var listenAddresses = await postgres.QueryAsAdminAsync<string>(postgres.AdminConnectionString, "SHOW listen_addresses");

        // What the kernel shows bound on the port (no 0.0.0.0, no [::]), and what the server was told to bind.
        Assert.Equal(0, sockets.ExitCode);
        var listening = sockets.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .Where(address => address.EndsWith(":" + port, StringComparison.Ordinal))
            .ToArray();
        Assert.True(listening.SequenceEqual(["127.0.0.1:" + port]),
            $"the test PostgreSQL listens on {string.Join(", ", listening)}; all listeners:\n{sockets.Output}");
        Assert.Equal("127.0.0.1", listenAddresses);
    }

    [Fact]
    public async Task Server_IsTheRunsOwnCluster_NotTheMachinesPostgresqlService()
    {
        var port = new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Port;

        var dataDirectory = await postgres.QueryAsAdminAsync<string>(postgres.AdminConnectionString, "SHOW data_directory");
        var socketDirectories = await postgres.QueryAsAdminAsync<string>(postgres.AdminConnectionString, "SHOW unix_socket_directories");

        Assert.NotEqual(5432, port);
        Assert.DoesNotContain("/var/lib/postgresql", dataDirectory, StringComparison.Ordinal);
        Assert.DoesNotContain("/run/postgresql", socketDirectories, StringComparison.Ordinal);
        Assert.Equal(Path.GetDirectoryName(dataDirectory), socketDirectories);
    }

    [Theory]
    [InlineData(false, "not-the-password")]
    [InlineData(true, "not-the-password")]
    public async Task Connect_WrongPassword_IsRefused(bool admin, string password)
    {
        var connection = new NpgsqlConnectionStringBuilder(admin ? postgres.AdminConnectionString : postgres.ConnectionString)
        {
            Password = password,
            Pooling = false,
        };

        var error = await Assert.ThrowsAsync<PostgresException>(() => postgres.OpenAsync(connection.ConnectionString));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Connect_NoPassword_IsAskedForOneAndRefused()
    {
        // The server asks for a SCRAM password over TCP, so a connection without one never gets in: nothing is trusted.
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
        {
            Password = null,
            Passfile = "/dev/null",
            Pooling = false,
        };

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => postgres.OpenAsync(connection.ConnectionString));

        Assert.Contains("password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GridRole_IsNotASuperuser_ButMayLogInAndCreateDatabases()
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT rolsuper, rolcanlogin, rolcreatedb, rolcreaterole, current_setting('is_superuser') FROM pg_roles WHERE rolname = current_user",
            connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "the grid role is a superuser");
        Assert.True(reader.GetBoolean(1));
        Assert.True(reader.GetBoolean(2));
        Assert.False(reader.GetBoolean(3));
        Assert.Equal("off", reader.GetString(4));
        Assert.True(await postgres.QueryAsAdminAsync<bool>(postgres.AdminConnectionString, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_TwoCalls_GiveFreshEmptyDatabasesTheGridRoleOwnsAndMayBuildIn()
    {
        var first = await postgres.CreateDatabaseAsync();
        var second = await postgres.CreateDatabaseAsync();
        try
        {
            var name = new NpgsqlConnectionStringBuilder(first).Database!;
            Assert.Matches("^gt[0-9a-f]{10}$", name);
            Assert.NotEqual(name, new NpgsqlConnectionStringBuilder(second).Database);
            await using var connection = await postgres.OpenAsync(first);
            var (user, database, _, _) = await ServerSideAsync(connection);
            Assert.Equal("grid", user);
            Assert.Equal(name, database);

            Assert.Equal("grid", await ScalarAsync<string>(connection, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
            Assert.Equal(0L, await ScalarAsync<long>(connection,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"));
            Assert.Equal("public", await ScalarAsync<string>(connection,
                "SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"));

            await ExecuteAsync(connection, "CREATE TABLE probe (id bigint PRIMARY KEY); INSERT INTO probe VALUES (1)");
            Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM probe"));
        }
        finally
        {
            await postgres.DropDatabaseAsync(first);
            await postgres.DropDatabaseAsync(second);
        }
    }

    [Fact]
    public async Task DropDatabaseAsync_WithAConnectionOpen_EndsItAndTheDatabaseIsGone()
    {
        var created = await postgres.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(created).Database!;
        await using var open = await postgres.OpenAsync(created);

        await postgres.DropDatabaseAsync(created);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(open, "SELECT 1"));
        var missing = await Assert.ThrowsAsync<PostgresException>(() => postgres.OpenAsync(created));
        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, missing.SqlState);
        Assert.Equal(0L, await postgres.QueryAsAdminAsync<long>(postgres.AdminConnectionString, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
        await postgres.DropDatabaseAsync(created);
    }

    [Fact]
    public async Task DropDatabaseAsync_ADatabaseItDidNotMake_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.DropDatabaseAsync(postgres.ConnectionString));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.DropDatabaseAsync(postgres.AdminConnectionString));

        Assert.Equal(1L, await postgres.QueryAsAdminAsync<long>(postgres.AdminConnectionString, "SELECT count(*) FROM pg_database WHERE datname = 'grid'"));
    }

    [Fact]
    public async Task ExecuteAsAdminAsync_RunsAsTheSuperuserInTheDatabaseTheConnectionStringNames()
    {
        var created = await postgres.CreateDatabaseAsync();
        try
        {
            await postgres.ExecuteAsAdminAsync(created, "CREATE TABLE admins_only (x int); INSERT INTO admins_only VALUES (7)");
            await using var connection = await postgres.OpenAsync(created);

            Assert.Equal("grid_admin", await ScalarAsync<string>(connection, "SELECT tableowner FROM pg_tables WHERE tablename = 'admins_only'"));
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(connection, "SELECT x FROM admins_only"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

            await postgres.ExecuteAsAdminAsync(created, "GRANT SELECT ON admins_only TO grid");
            Assert.Equal(7, await ScalarAsync<int>(connection, "SELECT x FROM admins_only"));
            Assert.Equal(7, await postgres.QueryAsAdminAsync<int>(created, "SELECT x FROM admins_only"));
            Assert.Equal(0L, await postgres.QueryAsAdminAsync<long>(postgres.AdminConnectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'admins_only'"));
        }
        finally
        {
            await postgres.DropDatabaseAsync(created);
        }
    }

    [Fact]
    public async Task RestartAsync_OpenConnection_IsDroppedAndCommittedDataIsKept()
    {
        var created = await postgres.CreateDatabaseAsync();
        try
        {
            await using var old = await postgres.OpenAsync(created);
            await ExecuteAsync(old, "CREATE TABLE kept (id int PRIMARY KEY, note text); INSERT INTO kept VALUES (1, 'before the restart')");
            var startedBefore = await ScalarAsync<DateTime>(old, "SELECT pg_postmaster_start_time()");
            // A pooled connection, idle in its pool through the restart, which the pool must not hand out broken.
            await using (var pooled = await postgres.OpenAsync(created))
            {
                await ScalarAsync<int>(pooled, "SELECT 1");
            }

            await postgres.RestartAsync();

            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(old, "SELECT 1"));
            await using var again = await postgres.OpenAsync(created);
            Assert.True(await ScalarAsync<DateTime>(again, "SELECT pg_postmaster_start_time()") > startedBefore, "the server did not restart");
            Assert.Equal("before the restart", await ScalarAsync<string>(again, "SELECT note FROM kept WHERE id = 1"));
        }
        finally
        {
            await postgres.DropDatabaseAsync(created);
        }
    }

    /// <summary>Who and where the server says a connection is: its role, database, and the address and port it was reached on.</summary>
    private static async Task<(string User, string Database, string Address, int Port)> ServerSideAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT current_user, current_database(), host(inet_server_addr()), inet_server_port()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
