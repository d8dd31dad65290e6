using Npgsql;

namespace Grid.Tests.Stored;

/// <summary>Temporary stand-in for the PostgreSQL fixture.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public string ConnectionString => Environment.GetEnvironmentVariable("GRID_TEST_POSTGRES")!;

    public string AdminConnectionString => Environment.GetEnvironmentVariable("GRID_TEST_POSTGRES_ADMIN")!;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "gt" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(10, lowercase: true);
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} OWNER grid", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task ExecuteAsAdminAsync(string connectionString, string sql)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task RestartAsync() => throw new NotSupportedException();
}

