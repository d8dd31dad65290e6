using Grid.Jobs;
using Npgsql;

namespace Grid.Stored;

/// <summary>The job store's tables, versioned: each silo brings the schema up to the newest version it knows when it starts, and refuses a store whose schema is newer.</summary>
/// <remarks>
/// Migrations run in one transaction under a PostgreSQL advisory lock, so silos starting at once migrate one after another and never
/// half-way. A migration is never changed once released: a change to the schema is a new version at the end of <see cref="Migrations"/>.
/// The inputs and results reference their job by id without a foreign key (a key check per block would slow the bulk writes); the job
/// store deletes them with their job. A migration that moves data does so in its transaction, so a store is at one version or the next.
/// </remarks>
internal static class JobStoreSchema
{
    // The advisory lock that serializes migrations: any number, the same on every silo ("grid" in ASCII).
    private const long MigrationLock = 0x67726964;

    /// <summary>The migrations, version 1 first; the schema's version is the number of migrations applied.</summary>
    private static readonly Migration[] Migrations =
    [
        """
        CREATE TABLE grid_jobs (
            id uuid PRIMARY KEY,
            kernel text NOT NULL,
            input_type text NOT NULL,
            output_type text NOT NULL,
            settings jsonb NOT NULL,
            state smallint NOT NULL,
            total bigint NOT NULL DEFAULT 0,
            succeeded bigint NOT NULL DEFAULT 0,
            failed bigint NOT NULL DEFAULT 0,
            timed_out bigint NOT NULL DEFAULT 0,
            cancelled bigint NOT NULL DEFAULT 0,
            retries bigint NOT NULL DEFAULT 0,
            timeout_retries bigint NOT NULL DEFAULT 0,
            crash_retries bigint NOT NULL DEFAULT 0,
            submitted_at timestamptz NOT NULL DEFAULT now(),
            touched_at timestamptz NOT NULL DEFAULT now(),
            started_at timestamptz,
            finished_at timestamptz,
            error text,
            cancel_reason text,
            owner text,
            owner_name text,
            runs integer NOT NULL DEFAULT 0,
            lease_until timestamptz,
            epoch integer NOT NULL DEFAULT 0
        );
        CREATE INDEX grid_jobs_submitted ON grid_jobs (submitted_at DESC);
        CREATE INDEX grid_jobs_finished ON grid_jobs (finished_at) WHERE finished_at IS NOT NULL;
        CREATE TABLE grid_inputs (
            job_id uuid NOT NULL,
            first_index bigint NOT NULL,
            ends integer[] NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (job_id, first_index)
        );
        CREATE TABLE grid_results (
            job_id uuid NOT NULL,
            idx bigint NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
            status smallint NOT NULL,
            value bytea,
            error_type text,
            error_message text,
            duration_us bigint NOT NULL,
            worker text NOT NULL,
            attempts integer NOT NULL,
            PRIMARY KEY (job_id, idx)
        );
        CREATE INDEX grid_results_seq ON grid_results (job_id, seq);
        """,

        // Version 2: the map job of the job's latest run, so the dashboard can open that run's trace.
        """
        ALTER TABLE grid_jobs ADD COLUMN run_job uuid;
        """,

        // Version 3: results in blocks (StoredResults), one row and one index entry per write instead of a row and two per result. The
        // packed rows and indices are stored uncompressed: compressing them costs the writes more than the space is worth. Blocks are
        // stored in their order (seq, no cache: one owner writes a job's blocks under its row lock), and a write id makes a write made
        // again find its block stored. The results of version 2 move into blocks, in their order, with grid_results locked first, so
        // that no write of a silo of version 2 still running commits between the move and the drop and is lost with the table.
        new(
            """
            LOCK TABLE grid_results IN ACCESS EXCLUSIVE MODE;
            CREATE TABLE grid_result_blocks (
                job_id uuid NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                write_id uuid NOT NULL,
                indices bigint[] NOT NULL,
                row_workers smallint[] NOT NULL,
                workers text[] NOT NULL,
                worker_items integer[] NOT NULL,
                worker_busy_us bigint[] NOT NULL,
                failed integer NOT NULL,
                rows bytea NOT NULL,
                PRIMARY KEY (job_id, seq)
            );
            ALTER TABLE grid_result_blocks ALTER COLUMN indices SET STORAGE EXTERNAL, ALTER COLUMN row_workers SET STORAGE EXTERNAL, ALTER COLUMN rows SET STORAGE EXTERNAL;
            CREATE UNIQUE INDEX grid_result_blocks_write ON grid_result_blocks (write_id);
            """,
            MoveResultsIntoBlocksAsync,
            "DROP TABLE grid_results;"),
    ];

    /// <summary>One version's change: SQL, and where data moves, the move and SQL run after it.</summary>
    private sealed record Migration(string Sql, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? Move = null, string? After = null)
    {
        public static implicit operator Migration(string sql) => new(sql);

        public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            await Execute(connection, transaction, Sql, cancellationToken).ConfigureAwait(false);
            if (Move is not null)
            {
                await Move(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            if (After is not null)
            {
                await Execute(connection, transaction, After, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Version 3's move: each job's rows of grid_results, in their store order, into blocks of at most 8,192.
    private static async Task MoveResultsIntoBlocksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const int Page = 8192;
        var (afterJob, afterSeq) = (Guid.Empty, long.MinValue);
        while (true)
        {
            var blocks = new List<StoredResults>();
            await using (var read = new NpgsqlCommand(
                """
                SELECT job_id, seq, idx, status, value, error_type, error_message, duration_us, worker, attempts FROM grid_results
                WHERE (job_id, seq) > ($1, $2) ORDER BY job_id, seq LIMIT $3
                """,
                connection,
                transaction))
            {
                read.Parameters.Add(new() { Value = afterJob });
                read.Parameters.Add(new() { Value = afterSeq });
                read.Parameters.Add(new() { Value = Page });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    (afterJob, afterSeq) = (reader.GetGuid(0), reader.GetInt64(1));
                    if (blocks.Count == 0 || blocks[^1].JobId != afterJob)
                    {
                        blocks.Add(new StoredResults(afterJob));
                    }

                    var status = (ItemStatus)reader.GetInt16(3);
                    blocks[^1].Add(
                        reader.GetInt64(2),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
                        status == ItemStatus.Ok ? null : new ItemError(status, reader.IsDBNull(5) ? string.Empty : reader.GetString(5), reader.IsDBNull(6) ? string.Empty : reader.GetString(6)),
                        TimeSpan.FromMicroseconds(reader.GetInt64(7)),
                        reader.GetString(8),
                        reader.GetInt32(9));
                }
            }

            if (blocks.Count == 0)
            {
                return;
            }

            foreach (var block in blocks)
            {
                await JobStore.InsertBlockAsync(connection, transaction, block, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Gets the newest schema version this silo knows.</summary>
    public static int Version => Migrations.Length;

    /// <summary>Checks, without changing anything, that the store can be reached with its credentials and that its schema is not newer than this silo knows; throws a <see cref="GridException"/> or an <see cref="InvalidOperationException"/> with one line saying which.</summary>
    public static async Task CheckAsync(string connectionString, CancellationToken cancellationToken)
    {
        var where = Describe(connectionString);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('grid_schema') IS NOT NULL", connection);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                // A new store: the silo creates the schema as it starts.
                return;
            }

            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM grid_schema", connection);
            var found = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (found > Version)
            {
                throw Newer(found);
            }
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new GridException($"The job store ({StoredJobOptions.SectionName}:Store, {where}) refused the credentials: {exception.MessageText}.", exception);
        }
        catch (NpgsqlException exception)
        {
            throw new GridException($"The job store ({StoredJobOptions.SectionName}:Store, {where}) cannot be reached: {(exception.InnerException ?? exception).Message}", exception);
        }
    }

    // The server and database a connection string names, without its password.
    private static string Describe(string connectionString)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={parsed.Host};Port={parsed.Port};Database={parsed.Database};Username={parsed.Username}";
    }

    private static InvalidOperationException Newer(int found) => new(
        $"{StoredJobOptions.SectionName}:Store holds a job store of schema version {found}, newer than version {Version}, the newest this silo knows: run a silo of the newer Grid, or give this one a store of its own.");

    /// <summary>Brings the store's schema up to <see cref="Version"/>; throws an <see cref="InvalidOperationException"/> naming both versions when the store's is newer.</summary>
    public static Task MigrateAsync(NpgsqlDataSource store, CancellationToken cancellationToken) => MigrateAsync(store, Version, cancellationToken);

    /// <summary>Brings the store's schema up to <paramref name="version"/> (1 to <see cref="Version"/>); a store already at that version or past it is left as it is.</summary>
    /// <remarks>A store of an older version is what a silo of an older Grid left; the migration tests make one with this.</remarks>
    public static async Task MigrateAsync(NpgsqlDataSource store, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, Version);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        await Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS grid_schema (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
        await using (var read = new NpgsqlCommand("SELECT max(version) FROM grid_schema", connection, transaction))
        {
            var found = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int stored ? stored : 0;
            if (found > Version)
            {
                throw Newer(found);
            }

            for (var next = found + 1; next <= version; next++)
            {
                await Migrations[next - 1].ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            if (found < version)
            {
                await Execute(connection, transaction, "DELETE FROM grid_schema", cancellationToken).ConfigureAwait(false);
                await Execute(connection, transaction, $"INSERT INTO grid_schema (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
