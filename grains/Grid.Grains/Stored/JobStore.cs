using System.Runtime.CompilerServices;
using System.Text.Json;
using Grid.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Grid.Stored;

/// <summary>The job store in PostgreSQL: the stored jobs with their state, counts, settings and lease, their inputs in packed blocks and their results in blocks of many results each (<see cref="StoredResults"/>).</summary>
/// <remarks>
/// <para>
/// Every write by a job's owner is fenced by the job's lease: it names the owner and the epoch (the count of takeovers) it took the job at,
/// and changes nothing once another silo has taken the job, so a silo that lost its lease (hung, cut off) can never store a result twice.
/// A job has one owner at a time and every block of results is stored under the job's row lock, so blocks are stored one after another in
/// the order readers follow (their <c>seq</c>). The owner skips every item whose result is stored (<see cref="StoredIndicesAsync"/>), and a
/// block carries its write's id, so a write made again after its commit went unanswered stores nothing twice: an item's result is stored once.
/// </para>
/// <para>
/// Times come from the database's clock (<c>now()</c>), so leases do not depend on the silos' clocks agreeing.
/// </para>
/// </remarks>
internal sealed class JobStore : IAsyncDisposable
{
    // The index that makes a block's write id unique: a write made again finds its block stored.
    private const string WriteIdIndex = "grid_result_blocks_write";
    // The most rows of the blocks that store items never run.
    private const int FillBlockRows = 8192;
    private const string JobColumns = "id, kernel, state, total, succeeded, failed, timed_out, cancelled, submitted_at, started_at, finished_at, error, owner_name, runs, output_type, run_job";
    private readonly NpgsqlDataSource? _source;
    private readonly StoredJobOptions _options;

    public JobStore(IOptions<StoredJobOptions> options)
    {
        _options = options.Value;
        if (_options.HasStore)
        {
            _source = NpgsqlDataSource.Create(_options.Store!);
        }
    }

    /// <summary>Gets whether the silo has a job store.</summary>
    public bool IsConfigured => _source is not null;

    /// <summary>Gets the store's settings.</summary>
    public StoredJobOptions Options => _options;

    private NpgsqlDataSource Source => _source ?? throw NoStore();

    /// <summary>The error of a call that needs a job store on a silo without one.</summary>
    public static GridException NoStore()
        => new($"This cluster keeps no detached jobs: its silos have no job store. Give them one in {StoredJobOptions.SectionName}:Store (a PostgreSQL connection string).");

    /// <summary>Creates or migrates the store's schema; see <see cref="JobStoreSchema"/>.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) => JobStoreSchema.MigrateAsync(Source, cancellationToken);

    /// <summary>Stores a new job as <see cref="StoredJobState.Submitting"/>; throws a <see cref="GridException"/> when a job of that id exists.</summary>
    public async Task CreateAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            "INSERT INTO grid_jobs (id, kernel, input_type, output_type, settings, state) VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (id) DO NOTHING");
        command.Parameters.Add(new() { Value = spec.JobId });
        command.Parameters.Add(new() { Value = spec.Kernel });
        command.Parameters.Add(new() { Value = spec.InputType.FullName ?? spec.InputType.Name });
        command.Parameters.Add(new() { Value = spec.OutputType.FullName ?? spec.OutputType.Name });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(StoredJobSettings.Of(spec)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0
            && await GetAsync(spec.JobId, cancellationToken).ConfigureAwait(false) is not { State: StoredJobState.Submitting, Total: 0 })
        {
            // (A job just created and still empty is the same call made again after its answer was lost.)
            throw new GridException($"Job {spec.JobId} has already been submitted.");
        }
    }

    /// <summary>Stores a block of a submitting job's inputs (binary COPY), after checking it is the next one; returns the job's inputs so far.</summary>
    public async Task AppendInputsAsync(Guid jobId, long startIndex, PackedItems items, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var advance = new NpgsqlCommand(
            "UPDATE grid_jobs SET total = total + $3, touched_at = now() WHERE id = $1 AND state = 0 AND total = $2", connection, transaction))
        {
            advance.Parameters.Add(new() { Value = jobId });
            advance.Parameters.Add(new() { Value = startIndex });
            advance.Parameters.Add(new() { Value = (long)items.Count });
            if (await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
                if (job is { State: StoredJobState.Submitting } && job.Total == startIndex + items.Count && await HasBlockAsync(jobId, startIndex, cancellationToken).ConfigureAwait(false))
                {
                    // The same block again, sent once more after its answer was lost: it is stored already.
                    return;
                }

                throw job switch
                {
                    null => new GridException($"Job {jobId} does not exist; call CreateAsync first."),
                    { State: not StoredJobState.Submitting } => new GridException($"Job {jobId} is {job.State.ToString().ToLowerInvariant()}; its input can take no more items."),
                    _ => new GridException($"Job {jobId} expected the inputs starting at item {job.Total}, but got ones starting at item {startIndex}."),
                };
            }
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY grid_inputs (job_id, first_index, ends, data) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(jobId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(startIndex, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(items.Ends, NpgsqlDbType.Array | NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(items.Data, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (items.Refused is { } refused && refused.Any(r => r is not null))
        {
            // Items refused on the way (too large to travel) have their result now: failed, saying why; no run ever takes them.
            var failed = new StoredResults(jobId);
            for (var i = 0; i < refused.Length; i++)
            {
                if (refused[i] is { } reason)
                {
                    failed.Add(startIndex + i, new ItemError(ItemStatus.Failed, typeof(GridException).FullName!, reason));
                }
            }

            await InsertBlockAsync(connection, transaction, failed, cancellationToken).ConfigureAwait(false);
            await using var count = new NpgsqlCommand("UPDATE grid_jobs SET failed = failed + $2 WHERE id = $1", connection, transaction);
            count.Parameters.Add(new() { Value = jobId });
            count.Parameters.Add(new() { Value = (long)failed.Count });
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HasBlockAsync(Guid jobId, long firstIndex, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("SELECT 1 FROM grid_inputs WHERE job_id = $1 AND first_index = $2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = firstIndex });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Ends a submitting job's input at <paramref name="total"/> items and queues it (a job of no items is completed at once).</summary>
    public async Task<StoredJob> SealAsync(Guid jobId, long total, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            $"""
            UPDATE grid_jobs SET state = CASE WHEN total = 0 THEN 3 ELSE 1 END, touched_at = now(),
                finished_at = CASE WHEN total = 0 THEN now() END, started_at = CASE WHEN total = 0 THEN now() END
            WHERE id = $1 AND state = 0 AND total = $2 RETURNING {JobColumns}
            """);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = total });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return ReadJob(reader);
        }

        await reader.DisposeAsync().ConfigureAwait(false);
        var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is { State: not StoredJobState.Submitting } && job.Total == total && job.State != StoredJobState.Cancelled && job.State != StoredJobState.Failed)
        {
            // Sealed already: the same call made again after its answer was lost.
            return job;
        }

        throw job switch
        {
            null => new GridException($"Job {jobId} does not exist; call CreateAsync first."),
            { State: not StoredJobState.Submitting } => new GridException($"Job {jobId} is {job.State.ToString().ToLowerInvariant()} already."),
            _ => new GridException($"Job {jobId} has {job.Total} inputs stored, not {total}."),
        };
    }

    /// <summary>Gets a job, or <see langword="null"/> when there is none of that id.</summary>
    public async Task<StoredJob?> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand($"SELECT {JobColumns} FROM grid_jobs WHERE id = $1");
        command.Parameters.Add(new() { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadJob(reader) : null;
    }

    /// <summary>Lists the most recently submitted jobs, newest first.</summary>
    public async Task<StoredJob[]> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand($"SELECT {JobColumns} FROM grid_jobs ORDER BY submitted_at DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<StoredJob>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(ReadJob(reader));
        }

        return [.. jobs];
    }

    /// <summary>Cancels a job: one no silo runs ends at once (its items stored as cancelled); a running one is marked for its owner, who stops it.</summary>
    /// <returns>The job after the call, or <see langword="null"/> when there is no such job.</returns>
    public async Task<StoredJob?> CancelAsync(Guid jobId, string reason, CancellationToken cancellationToken)
    {
        await using (var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var mark = new NpgsqlCommand(
                "UPDATE grid_jobs SET cancel_reason = coalesce(cancel_reason, $2) WHERE id = $1 AND state IN (0, 1, 2) RETURNING state, owner IS NOT NULL AND lease_until >= now()",
                connection,
                transaction);
            mark.Parameters.Add(new() { Value = jobId });
            mark.Parameters.Add(new() { Value = reason });
            StoredJobState? state = null;
            var owned = false;
            await using (var reader = await mark.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    state = (StoredJobState)reader.GetInt16(0);
                    owned = reader.GetBoolean(1);
                }
            }

            if (state is not null && !owned)
            {
                // Nobody holds it: end it here, with every item that has no result stored as cancelled.
                await EndAsync(connection, transaction, jobId, StoredJobState.Cancelled, reason, fence: null, fillNotRun: true, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a finished job with its inputs and results; throws a <see cref="GridException"/> when it has not finished or does not exist.</summary>
    public async Task ForgetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw NoSuchJob(jobId);
        if (!job.State.IsFinished())
        {
            throw new GridException($"Job {jobId} is {job.State.ToString().ToLowerInvariant()}; cancel it first (grid cancel {jobId}), then forget it.");
        }

        await DeleteAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The error of a call about a job the store does not have.</summary>
    public static GridException NoSuchJob(Guid jobId) => new($"There is no job {jobId} in the job store (it was never submitted, or was forgotten or deleted after its retention).");

    /// <summary>Takes up to <paramref name="max"/> jobs no live silo holds (queued, or running under a lease that passed or whose owner membership declared dead), oldest first.</summary>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string owner, string ownerName, int max, IReadOnlyCollection<string> deadOwners, IReadOnlyCollection<Guid> skipped, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            """
            WITH candidate AS (
                SELECT id FROM grid_jobs
                WHERE state IN (1, 2) AND (owner IS NULL OR lease_until < now() OR owner = ANY($4)) AND NOT (id = ANY($5))
                ORDER BY submitted_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            UPDATE grid_jobs j SET owner = $1, owner_name = $2, lease_until = now() + $6, epoch = j.epoch + 1, runs = j.runs + 1, state = 2,
                started_at = coalesce(j.started_at, now())
            FROM candidate c WHERE j.id = c.id
            RETURNING j.id, j.epoch, j.kernel, j.settings, j.total, j.succeeded + j.failed + j.timed_out + j.cancelled, j.failed + j.timed_out,
                extract(epoch FROM now() - j.started_at)::float8, j.cancel_reason
            """);
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = ownerName });
        command.Parameters.Add(new() { Value = max });
        command.Parameters.Add(new() { Value = deadOwners.ToArray() });
        command.Parameters.Add(new() { Value = skipped.ToArray() });
        command.Parameters.Add(new() { Value = _options.Lease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<ClaimedJob>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedJob(
                reader.GetGuid(0),
                reader.GetInt32(1),
                reader.GetString(2),
                JsonSerializer.Deserialize<StoredJobSettings>(reader.GetString(3))!,
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                TimeSpan.FromSeconds(reader.GetDouble(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return claimed;
    }

    /// <summary>Gives a job back unrun (this silo cannot run its kernel): its lease ends now, so another silo takes it.</summary>
    public async Task ReleaseAsync(Guid jobId, string owner, int epoch, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("UPDATE grid_jobs SET lease_until = now() - interval '1 second' WHERE id = $1 AND owner = $2 AND epoch = $3 AND state = 2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = epoch });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renews the leases of the jobs <paramref name="owner"/> holds; returns, for each job still held at its epoch, why it is to be cancelled (or <see langword="null"/>).</summary>
    public async Task<IReadOnlyDictionary<Guid, string?>> RenewAsync(string owner, IReadOnlyDictionary<Guid, int> epochs, CancellationToken cancellationToken)
    {
        var held = new Dictionary<Guid, string?>();
        if (epochs.Count == 0)
        {
            return held;
        }

        await using var command = Source.CreateCommand(
            """
            UPDATE grid_jobs j SET lease_until = now() + $4
            FROM unnest($2::uuid[], $3::integer[]) AS h(id, epoch)
            WHERE j.id = h.id AND j.epoch = h.epoch AND j.owner = $1 AND j.state = 2
            RETURNING j.id, j.cancel_reason
            """);
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = epochs.Keys.ToArray() });
        command.Parameters.Add(new() { Value = epochs.Values.ToArray() });
        command.Parameters.Add(new() { Value = _options.Lease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return held;
    }

    /// <summary>Records <paramref name="runJobId"/> as the map job of the run that holds the job at <paramref name="epoch"/>; returns <see langword="false"/>, changing nothing, when the owner no longer holds it.</summary>
    public async Task<bool> SetRunJobAsync(Guid jobId, string owner, int epoch, Guid runJobId, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("UPDATE grid_jobs SET run_job = $4 WHERE id = $1 AND owner = $2 AND epoch = $3 AND state = 2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = epoch });
        command.Parameters.Add(new() { Value = runJobId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Reads a job's input blocks in order, a few at a time.</summary>
    public async IAsyncEnumerable<(long FirstIndex, PackedItems Items)> ReadInputsAsync(Guid jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0L;
        while (true)
        {
            var blocks = new List<(long, PackedItems)>();
            await using (var command = Source.CreateCommand("SELECT first_index, ends, data FROM grid_inputs WHERE job_id = $1 AND first_index >= $2 ORDER BY first_index LIMIT 8"))
            {
                command.Parameters.Add(new() { Value = jobId });
                command.Parameters.Add(new() { Value = next });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    blocks.Add((reader.GetInt64(0), new PackedItems(reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<int[]>(1))));
                }
            }

            if (blocks.Count == 0)
            {
                yield break;
            }

            foreach (var block in blocks)
            {
                yield return block;
            }

            next = blocks[^1].Item1 + blocks[^1].Item2.Count;
        }
    }

    /// <summary>Gets the indices of a job of <paramref name="total"/> items whose result is stored.</summary>
    public async Task<IndexSet> StoredIndicesAsync(Guid jobId, long total, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand("SELECT indices FROM grid_result_blocks WHERE job_id = $1");
        command.Parameters.Add(new() { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stored = new IndexSet(total);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var index in reader.GetFieldValue<long[]>(0))
            {
                stored.Add(index);
            }
        }

        return stored;
    }

    /// <summary>Stores a block of results of a job its owner holds at <paramref name="epoch"/>, with the job's counts, in one transaction; returns <see langword="false"/>, storing nothing, when the owner no longer holds the job.</summary>
    /// <remarks>A write made again after its commit went unanswered finds its block stored (by its write id) and returns <see langword="true"/>, storing and counting nothing twice.</remarks>
    public async Task<bool> WriteResultsAsync(Guid jobId, string owner, int epoch, StoredResults results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.JobId != jobId)
        {
            throw new ArgumentException($"The results are of job {results.JobId}, not of job {jobId}.", nameof(results));
        }

        if (results.Count == 0)
        {
            return true;
        }

        try
        {
            await using var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // The owner's hold is checked (and the job's row locked) before anything is stored: a takeover waits for this transaction, or this one finds it.
            var (ok, failed, timedOut, cancelled) = results.CountByStatus();
            if (!await AddCountsAsync(connection, transaction, jobId, owner, epoch, ok, failed, timedOut, cancelled, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await InsertBlockAsync(connection, transaction, results, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == WriteIdIndex)
        {
            // The same write again, after its commit went unanswered: the block and its counts are stored already.
            return true;
        }
    }

    /// <summary>Stores one block of results in the caller's transaction, which holds the job's row lock, so blocks are stored in the order readers follow.</summary>
    internal static async Task InsertBlockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredResults results, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO grid_result_blocks (job_id, write_id, indices, row_workers, workers, worker_items, worker_busy_us, failed, rows)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            connection,
            transaction);
        insert.Parameters.Add(new() { Value = results.JobId });
        insert.Parameters.Add(new() { Value = results.WriteId });
        insert.Parameters.Add(new() { Value = results.Indices() });
        insert.Parameters.Add(new() { Value = results.RowWorkers() });
        insert.Parameters.Add(new() { Value = results.Workers() });
        insert.Parameters.Add(new() { Value = results.WorkerItems() });
        insert.Parameters.Add(new() { Value = results.WorkerBusyMicroseconds() });
        insert.Parameters.Add(new() { Value = results.FailedCount });
        insert.Parameters.Add(new() { Value = results.Data, NpgsqlDbType = NpgsqlDbType.Bytea });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> AddCountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string owner, int epoch, long ok, long failed, long timedOut, long cancelled, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE grid_jobs SET succeeded = succeeded + $4, failed = failed + $5, timed_out = timed_out + $6, cancelled = cancelled + $7
            WHERE id = $1 AND owner = $2 AND epoch = $3 AND state = 2
            """,
            connection,
            transaction);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = epoch });
        command.Parameters.Add(new() { Value = ok });
        command.Parameters.Add(new() { Value = failed });
        command.Parameters.Add(new() { Value = timedOut });
        command.Parameters.Add(new() { Value = cancelled });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Ends a job its owner holds at <paramref name="epoch"/>: its state, its error and the retries of the run; with <paramref name="fillNotRun"/>, items that never ran are stored as not run. Returns <see langword="false"/> when the owner no longer holds it.</summary>
    public async Task<bool> FinishAsync(Guid jobId, string owner, int epoch, StoredJobState state, string? error, JobSummary run, bool fillNotRun, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var retries = new NpgsqlCommand(
            "UPDATE grid_jobs SET retries = retries + $4, timeout_retries = timeout_retries + $5, crash_retries = crash_retries + $6 WHERE id = $1 AND owner = $2 AND epoch = $3 AND state = 2",
            connection,
            transaction))
        {
            retries.Parameters.Add(new() { Value = jobId });
            retries.Parameters.Add(new() { Value = owner });
            retries.Parameters.Add(new() { Value = epoch });
            retries.Parameters.Add(new() { Value = run.Retries });
            retries.Parameters.Add(new() { Value = run.TimeoutRetries });
            retries.Parameters.Add(new() { Value = run.CrashRetries });
            if (await retries.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        await EndAsync(connection, transaction, jobId, state, error, (owner, epoch), fillNotRun, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Ends a job in its final state; every input without a stored result gets one saying why it never ran, counted as cancelled.
    private static async Task EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, StoredJobState state, string? error, (string Owner, int Epoch)? fence, bool fillNotRun, CancellationToken cancellationToken)
    {
        if (fillNotRun && state != StoredJobState.Completed)
        {
            await FillNotRunAsync(connection, transaction, jobId, NotRunError(state, error), cancellationToken).ConfigureAwait(false);
        }

        await using var end = new NpgsqlCommand(
            """
            UPDATE grid_jobs SET state = $2, error = coalesce($3, error), finished_at = now(), started_at = coalesce(started_at, now()), lease_until = NULL, owner = NULL
            WHERE id = $1 AND (($4::text IS NULL AND state IN (0, 1, 2)) OR (owner = $4 AND epoch = $5 AND state = 2))
            """,
            connection,
            transaction);
        end.Parameters.Add(new() { Value = jobId });
        end.Parameters.Add(new() { Value = (short)state });
        end.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        end.Parameters.Add(new() { Value = (object?)fence?.Owner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        end.Parameters.Add(new() { Value = fence?.Epoch ?? 0 });
        await end.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Stores every input without a stored result as not run, saying why, in blocks, and counts them as cancelled.
    private static async Task FillNotRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, ItemError notRun, CancellationToken cancellationToken)
    {
        var missing = new List<long>();
        await using (var find = new NpgsqlCommand(
            """
            SELECT g.idx FROM grid_inputs i CROSS JOIN LATERAL generate_series(i.first_index, i.first_index + cardinality(i.ends) - 1) AS g(idx)
            WHERE i.job_id = $1
            EXCEPT SELECT unnest(indices) FROM grid_result_blocks WHERE job_id = $1
            ORDER BY 1
            """,
            connection,
            transaction))
        {
            find.Parameters.Add(new() { Value = jobId });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missing.Add(reader.GetInt64(0));
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        var block = new StoredResults(jobId);
        foreach (var index in missing)
        {
            block.Add(index, notRun);
            if (block.Count == FillBlockRows)
            {
                await InsertBlockAsync(connection, transaction, block, cancellationToken).ConfigureAwait(false);
                block.Clear();
            }
        }

        if (block.Count > 0)
        {
            await InsertBlockAsync(connection, transaction, block, cancellationToken).ConfigureAwait(false);
        }

        await using var count = new NpgsqlCommand("UPDATE grid_jobs SET cancelled = cancelled + $2 WHERE id = $1", connection, transaction);
        count.Parameters.Add(new() { Value = jobId });
        count.Parameters.Add(new() { Value = (long)missing.Count });
        await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The error stored for an item that never ran because its job ended in <paramref name="state"/>.</summary>
    public static ItemError NotRunError(StoredJobState state, string? error) => state switch
    {
        StoredJobState.TimedOut => new ItemError(ItemStatus.Cancelled, typeof(TimeoutException).FullName!, "The job's time limit passed before the item ran."),
        StoredJobState.Cancelled => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled before the item ran."),
        _ => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, $"The job stopped before the item ran: {error}"),
    };

    /// <summary>Reads a job's results stored from <paramref name="position"/> on, in the order they were stored: up to <paramref name="limit"/> of them and about <paramref name="budget"/> bytes (at least one); only those that did not succeed with <paramref name="failedOnly"/>.</summary>
    /// <returns>The results, and the position to read from next (0 is the start).</returns>
    /// <remarks>A reader that goes on from where it stopped passes the same <paramref name="cache"/> each time: the block it stopped in is then read from the store once.</remarks>
    public async Task<(StoredResultBatch Batch, long Position)> ReadResultsAsync(Guid jobId, long position, int limit, long budget, bool failedOnly, CancellationToken cancellationToken, ReadCache? cache = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var into = new ResultBatchBuilder();
        var (seq, rowsRead) = StoredResults.FromPosition(position);
        bool More() => into.Count < limit && (into.Count == 0 || into.Bytes < budget);
        while (More())
        {
            var block = cache?.Block is { } cached && cached.Seq == seq && cached.JobId == jobId && rowsRead > 0
                ? cached
                : await ReadBlockAsync(jobId, seq, failedOnly, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                break;
            }

            var skip = block.Seq == seq ? rowsRead : 0;
            var passed = StoredResults.Read(block.Indices, block.RowWorkers, block.Workers, block.Rows, skip, failedOnly, into, More);
            (seq, rowsRead) = passed < block.Indices.Length ? (block.Seq, passed) : (block.Seq + 1, 0);
            if (cache is not null)
            {
                cache.Block = rowsRead > 0 ? block : null;
            }
        }

        return (into.Build(), StoredResults.PositionOf(seq, rowsRead));
    }

    // Reads the first block of a job stored at or after seq (with failedOnly, the first holding a result that did not succeed).
    private async Task<StoredBlock?> ReadBlockAsync(Guid jobId, long seq, bool failedOnly, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            $"SELECT seq, indices, row_workers, workers, rows FROM grid_result_blocks WHERE job_id = $1 AND seq >= $2 {(failedOnly ? "AND failed > 0" : string.Empty)} ORDER BY seq LIMIT 1");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = seq });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredBlock(jobId, reader.GetInt64(0), reader.GetFieldValue<long[]>(1), reader.GetFieldValue<short[]>(2), reader.GetFieldValue<string[]>(3), reader.GetFieldValue<byte[]>(4))
            : null;
    }

    /// <summary>What one reader of a job's results keeps between reads: the block it stopped in.</summary>
    public sealed class ReadCache
    {
        internal StoredBlock? Block { get; set; }
    }

    /// <summary>One block of stored results as read from the store.</summary>
    internal sealed record StoredBlock(Guid JobId, long Seq, long[] Indices, short[] RowWorkers, string[] Workers, byte[] Rows);

    /// <summary>Gets each worker's items and busy time in a job, from its stored results.</summary>
    public async Task<IReadOnlyList<WorkerUsage>> WorkerUsageAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            """
            SELECT u.worker, sum(u.items)::bigint, sum(u.busy_us)::bigint
            FROM grid_result_blocks b CROSS JOIN LATERAL unnest(b.workers, b.worker_items, b.worker_busy_us) AS u(worker, items, busy_us)
            WHERE b.job_id = $1 AND u.worker <> $2 GROUP BY u.worker ORDER BY 3 DESC
            """);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = StoredResults.NoWorker });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var usage = new List<WorkerUsage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            usage.Add(new WorkerUsage(reader.GetString(0), 0, reader.GetInt64(1), TimeSpan.FromMicroseconds(reader.GetInt64(2))));
        }

        return usage;
    }

    /// <summary>Gets a job's retries and wall time (from its first start to its end, or to now), for its summary.</summary>
    public async Task<(long Retries, long TimeoutRetries, long CrashRetries, TimeSpan WallTime)> RunFactsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = Source.CreateCommand(
            "SELECT retries, timeout_retries, crash_retries, coalesce(extract(epoch FROM coalesce(finished_at, now()) - started_at), 0)::float8 FROM grid_jobs WHERE id = $1");
        command.Parameters.Add(new() { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw NoSuchJob(jobId);
        }

        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), TimeSpan.FromSeconds(reader.GetDouble(3)));
    }

    /// <summary>Fails jobs whose client stopped submitting for <see cref="StoredJobOptions.SubmitTimeout"/>, and deletes finished jobs older than <see cref="StoredJobOptions.Retention"/>; returns how many it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using (var abandon = Source.CreateCommand(
            "UPDATE grid_jobs SET state = 4, finished_at = now(), started_at = coalesce(started_at, now()), error = $2 WHERE state = 0 AND touched_at < now() - $1"))
        {
            abandon.Parameters.Add(new() { Value = _options.SubmitTimeout });
            abandon.Parameters.Add(new() { Value = $"Its client stopped storing inputs for {_options.SubmitTimeout} before the input was complete, so the job never ran." });
            await abandon.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var expired = new List<Guid>();
        await using (var find = Source.CreateCommand("SELECT id FROM grid_jobs WHERE finished_at < now() - $1 LIMIT 100"))
        {
            find.Parameters.Add(new() { Value = _options.Retention });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                expired.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in expired)
        {
            await DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return expired.Count;
    }

    private async Task DeleteAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in new[] { "DELETE FROM grid_result_blocks WHERE job_id = $1", "DELETE FROM grid_inputs WHERE job_id = $1", "DELETE FROM grid_jobs WHERE id = $1" })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(new() { Value = jobId });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static StoredJob ReadJob(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        (StoredJobState)reader.GetInt16(2),
        reader.GetInt64(3),
        reader.GetInt64(4),
        reader.GetInt64(5),
        reader.GetInt64(6),
        reader.GetInt64(7),
        reader.GetFieldValue<DateTimeOffset>(8))
    {
        Started = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        Finished = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        Error = reader.IsDBNull(11) ? null : reader.GetString(11),
        Owner = reader.IsDBNull(12) ? null : reader.GetString(12),
        Runs = reader.GetInt32(13),
        OutputType = reader.GetString(14),
        RunJobId = reader.IsDBNull(15) ? null : reader.GetGuid(15),
    };
}

/// <summary>A job a silo has just taken: its lease epoch, kernel, settings, and what the store holds of it already.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Epoch">The lease epoch every write of this owner names.</param>
/// <param name="Kernel">The kernel it runs.</param>
/// <param name="Settings">Its limits.</param>
/// <param name="Total">Its inputs.</param>
/// <param name="Stored">Its items with a stored result.</param>
/// <param name="FinallyFailed">Its items stored as failed or timed out, which count against MaxFailures.</param>
/// <param name="Elapsed">The time since its first start, which counts against its time limit.</param>
/// <param name="CancelReason">Why it is to be cancelled, when someone asked.</param>
internal sealed record ClaimedJob(Guid JobId, int Epoch, string Kernel, StoredJobSettings Settings, long Total, long Stored, long FinallyFailed, TimeSpan Elapsed, string? CancelReason);
