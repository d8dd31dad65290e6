using Grid.Jobs;
using Grid.Stored;
using Grid.Tests.Cluster;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grid.Tests.Stored;

/// <summary>The job store on a real PostgreSQL: its schema is versioned, a job is taken by one silo at a time even when silos race for it, and a silo that lost its lease stores nothing more.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string _database = string.Empty;

    public async Task InitializeAsync() => _database = await postgres.CreateDatabaseAsync();

    public Task DisposeAsync() => postgres.DropDatabaseAsync(_database);

    private JobStore NewStore(TimeSpan? lease = null)
        => new(Options.Create(new StoredJobOptions { Store = _database, Lease = lease ?? TimeSpan.FromSeconds(10) }));

    private static async Task<Guid> SubmitAsync(JobStore store, int items)
    {
        var spec = new JobSpec(Guid.NewGuid(), "twice", typeof(long), typeof(long));
        await store.CreateAsync(spec, CancellationToken.None);
        await store.AppendInputsAsync(spec.JobId, 0, PackedItems.Pack(Enumerable.Range(0, items).Select(i => (long)i).ToList()), CancellationToken.None);
        await store.SealAsync(spec.JobId, items, CancellationToken.None);
        return spec.JobId;
    }

    [Fact]
    public async Task MigrateAsync_TwiceAndFromTwoSilosAtOnce_LeavesOneSchemaOfTheNewestVersion()
    {
        await using var first = NewStore();
        await using var second = NewStore();

        await Task.WhenAll(first.MigrateAsync(CancellationToken.None), second.MigrateAsync(CancellationToken.None));
        await first.MigrateAsync(CancellationToken.None);

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), max(version) FROM grid_schema", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((1L, JobStoreSchema.Version), (reader.GetInt64(0), reader.GetInt32(1)));
    }

    [Fact]
    public async Task MigrateAsync_StoreOfANewerSchema_RefusesNamingBothVersions()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        await postgres.ExecuteAsAdminAsync(_database, $"UPDATE grid_schema SET version = {JobStoreSchema.Version + 5}");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync(CancellationToken.None));
        var checkRefused = await Assert.ThrowsAsync<InvalidOperationException>(() => JobStoreSchema.CheckAsync(_database, CancellationToken.None));

        Assert.Equal(
            $"Grid:Jobs:Store holds a job store of schema version {JobStoreSchema.Version + 5}, newer than version {JobStoreSchema.Version}, the newest this silo knows: run a silo of the newer Grid, or give this one a store of its own.",
            refused.Message);
        Assert.Equal(refused.Message, checkRefused.Message);
    }

    [Fact]
    public async Task MigrateAsync_StoreOfVersion1WithAFinishedJob_MigratesToTheNewestVersionKeepingTheJobAndItsResults()
    {
        var job = Guid.NewGuid();
        await using (var old = NpgsqlDataSource.Create(_database))
        {
            await JobStoreSchema.MigrateAsync(old, version: 1, CancellationToken.None);

            // A job as a silo of schema version 1 left it: completed, with both results stored.
            foreach (var sql in new[]
            {
                """
                INSERT INTO grid_jobs (id, kernel, input_type, output_type, settings, state, total, succeeded, started_at, finished_at, owner_name, runs)
                VALUES ($1, 'twice', 'System.Int64', 'System.Int64', '{}', 3, 2, 2, now(), now(), 'old-silo', 1)
                """,
                "INSERT INTO grid_results (job_id, idx, status, value, duration_us, worker, attempts) VALUES ($1, 0, 0, '0'::bytea, 5, 'w', 1), ($1, 1, 0, '2'::bytea, 5, 'w', 1)",
            })
            {
                await using var insert = old.CreateCommand(sql);
                insert.Parameters.Add(new() { Value = job });
                await insert.ExecuteNonQueryAsync();
            }

            Assert.Equal(1, await postgres.QueryAsAdminAsync<int>(_database, "SELECT max(version) FROM grid_schema"));
        }

        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);

        Assert.Equal(JobStoreSchema.Version, await postgres.QueryAsAdminAsync<int>(_database, "SELECT max(version) FROM grid_schema"));
        var kept = await store.GetAsync(job, CancellationToken.None);
        Assert.Equal(
            (StoredJobState.Completed, 2L, 2L, "old-silo", 1, (Guid?)null),
            (kept!.State, kept.Total, kept.Succeeded, kept.Owner, kept.Runs, kept.RunJobId));
        var (results, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1 << 20, failedOnly: false, CancellationToken.None);
        Assert.Equal([0L, 1L], results.Indices.Order());
    }

    [Fact]
    public async Task SetRunJobAsync_AfterAnotherSiloTookTheJobOver_ChangesNothing()
    {
        await using var a = NewStore();
        await using var b = NewStore();
        await a.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(a, 3);
        var first = Assert.Single(await a.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));
        var runOfA = Guid.NewGuid();
        Assert.True(await a.SetRunJobAsync(job, "silo-a", first.Epoch, runOfA, CancellationToken.None));
        Assert.Equal(runOfA, (await a.GetAsync(job, CancellationToken.None))!.RunJobId);

        await postgres.ExecuteAsAdminAsync(_database, $"UPDATE grid_jobs SET lease_until = now() - interval '1 second' WHERE id = '{job}'");
        var second = Assert.Single(await b.ClaimAsync("silo-b", "b", 1, [], [], CancellationToken.None));
        var runOfB = Guid.NewGuid();
        Assert.True(await b.SetRunJobAsync(job, "silo-b", second.Epoch, runOfB, CancellationToken.None));
        var late = await a.SetRunJobAsync(job, "silo-a", first.Epoch, Guid.NewGuid(), CancellationToken.None);

        Assert.False(late);
        Assert.Equal((runOfB, "b", 2), (await a.GetAsync(job, CancellationToken.None)) is { } stored ? (stored.RunJobId!.Value, stored.Owner!, stored.Runs) : default);
    }

    [Fact]
    public async Task ClaimAsync_TwoSilosRaceForEachOfTwentyJobs_EachJobIsTakenByOne()
    {
        await using var a = NewStore();
        await using var b = NewStore();
        await a.MigrateAsync(CancellationToken.None);
        var jobs = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            jobs.Add(await SubmitAsync(a, 3));
        }

        var taken = new List<ClaimedJob>();
        for (var round = 0; round < 20; round++)
        {
            // Each asks for one job at the same moment: the row lock hands each job to one of them.
            var claims = await Task.WhenAll(
                a.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None),
                b.ClaimAsync("silo-b", "b", 1, [], [], CancellationToken.None));
            taken.AddRange(claims.SelectMany(c => c));
        }

        Assert.Equal(jobs.Order(), taken.Select(c => c.JobId).Order());
        Assert.All(taken, c => Assert.Equal(1, c.Epoch));
    }

    [Fact]
    public async Task WriteResultsAsync_AfterAnotherSiloTookTheJobOver_StoresNothing()
    {
        await using var a = NewStore(lease: TimeSpan.FromSeconds(2));
        await using var b = NewStore(lease: TimeSpan.FromSeconds(2));
        await a.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(a, 3);
        var first = Assert.Single(await a.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));

        // Silo a stops renewing (hung, cut off): its lease passes, and b takes the job over at the next epoch.
        await postgres.ExecuteAsAdminAsync(_database, $"UPDATE grid_jobs SET lease_until = now() - interval '1 second' WHERE id = '{job}'");
        var second = Assert.Single(await b.ClaimAsync("silo-b", "b", 1, [], [], CancellationToken.None));
        Assert.Equal((job, 2), (second.JobId, second.Epoch));

        var late = new StoredResults(job);
        late.Add(new ChunkResult(job, 0, 0, new long[] { 0 }, null, [TimeSpan.Zero], "a/worker-1", TimeSpan.Zero), i => i);
        var stored = await a.WriteResultsAsync(job, "silo-a", first.Epoch, late, CancellationToken.None);
        var renewed = await a.RenewAsync("silo-a", new Dictionary<Guid, int> { [job] = first.Epoch }, CancellationToken.None);

        Assert.False(stored);
        Assert.Empty(renewed);
        Assert.Empty(await a.StoredIndicesAsync(job, 3, CancellationToken.None));
        Assert.Equal(0, (await a.GetAsync(job, CancellationToken.None))!.Succeeded);
    }

    [Fact]
    public async Task WriteResultsAsync_EveryKindOfField_ReadsBackAsWritten()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(store, 3);
        var claim = Assert.Single(await store.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));
        var results = new StoredResults(job);

        // Text values and messages beyond ASCII, an error beside values, a null value, run times to the microsecond and several attempts.
        var error = new ItemError(ItemStatus.TimedOut, "System.TimeoutException", "élan ✓ 日本語: took too long");
        results.Add(
            new ChunkResult(job, 0, 0, new[] { "naïve ☃", string.Empty, "ignored" }, [null, null, error], [TimeSpan.FromMicroseconds(1), TimeSpan.FromMilliseconds(12.345), TimeSpan.FromSeconds(3)], "silo-ü/worker-1", TimeSpan.Zero)
            {
                Attempts = [1, 2, 3],
            },
            i => i);
        Assert.True(await store.WriteResultsAsync(job, "silo-a", claim.Epoch, results, CancellationToken.None));

        var (read, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1 << 20, failedOnly: false, CancellationToken.None);
        var byIndex = Enumerable.Range(0, read.Count).ToDictionary(i => read.Indices[i]);
        Assert.Equal([0L, 1L, 2L], byIndex.Keys.Order());
        Assert.Equal(["naïve ☃", string.Empty], new[] { 0L, 1L }.Select(i => System.Text.Json.JsonSerializer.Deserialize<string>(read.Values[byIndex[i]].Span)));
        Assert.Equal((null, null, error), (read.Errors?[byIndex[0]], read.Errors?[byIndex[1]], read.Errors?[byIndex[2]]));
        Assert.Equal([TimeSpan.FromMicroseconds(1), TimeSpan.FromMilliseconds(12.345), TimeSpan.FromSeconds(3)], new[] { 0L, 1L, 2L }.Select(i => read.Durations[byIndex[i]]));
        Assert.Equal([1, 2, 3], new[] { 0L, 1L, 2L }.Select(i => read.Attempts[byIndex[i]]));
        Assert.All(read.Workers, w => Assert.Equal("silo-ü/worker-1", w));
        var counted = (await store.GetAsync(job, CancellationToken.None))!;
        Assert.Equal((2L, 1L), (counted.Succeeded, counted.TimedOut));
    }

    [Fact]
    public async Task WriteResultsAsync_TheSameResultsTwice_StoresAndCountsThemOnce()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(store, 3);
        var claim = Assert.Single(await store.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));
        var results = new StoredResults(job);
        results.Add(new ChunkResult(job, 0, 0, new long[] { 0, 2 }, null, [TimeSpan.Zero, TimeSpan.Zero], "a/worker-1", TimeSpan.Zero), i => i);

        // The first write's commit went unanswered (a dropped connection, say), so the owner makes it again.
        Assert.True(await store.WriteResultsAsync(job, "silo-a", claim.Epoch, results, CancellationToken.None));
        Assert.True(await store.WriteResultsAsync(job, "silo-a", claim.Epoch, results, CancellationToken.None));

        Assert.Equal([0L, 1L], (await store.StoredIndicesAsync(job, 3, CancellationToken.None)).Order());
        Assert.Equal(2, (await store.GetAsync(job, CancellationToken.None))!.Succeeded);
    }

    [Fact]
    public async Task ReadResultsAsync_ThreeBlocksReadTwoAtATime_GivesEveryResultOnceInStoreOrderAndResumesWithinABlock()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(store, 7);
        var claim = Assert.Single(await store.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));

        // Three writes, as results came: items 4-6 by one worker, then 0-2 by another, then 3 failed.
        var failure = new ItemError(ItemStatus.Failed, "System.InvalidOperationException", "item 3 failed");
        foreach (var (start, count, worker, error) in new[] { (4, 3, "b/worker-1", (ItemError?)null), (0, 3, "a/worker-2", null), (3, 1, "a/worker-2", failure) })
        {
            var results = new StoredResults(job);
            results.Add(
                new ChunkResult(job, 0, start, Enumerable.Range(start, count).Select(i => i * 10L).ToArray(), error is null ? null : [error], [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(2), count)], worker, TimeSpan.Zero),
                i => i);
            Assert.True(await store.WriteResultsAsync(job, "silo-a", claim.Epoch, results, CancellationToken.None));
        }

        // Read two at a time, once as a fresh reader each time and once as one reader keeping the block it stopped in.
        var orders = new List<List<long>>();
        foreach (var cache in new[] { null, new JobStore.ReadCache() })
        {
            var order = new List<long>();
            var position = 0L;
            for (var reads = 0; reads < 10; reads++)
            {
                var (batch, next) = await store.ReadResultsAsync(job, position, 2, budget: 1 << 20, failedOnly: false, CancellationToken.None, cache);
                Assert.True(batch.Count <= 2);
                order.AddRange(batch.Indices);
                Assert.True(next >= position);
                position = next;
            }

            orders.Add(order);
        }

        var (failedOnly, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1 << 20, failedOnly: true, CancellationToken.None);
        var (oneByBudget, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1, failedOnly: false, CancellationToken.None);

        Assert.All(orders, order => Assert.Equal([4L, 5L, 6L, 0L, 1L, 2L, 3L], order));
        Assert.Equal((3L, failure), (Assert.Single(failedOnly.Indices), failedOnly.Errors![0]));
        Assert.Equal([4L], oneByBudget.Indices);
        Assert.Equal(
            [new WorkerUsage("a/worker-2", 0, 4, TimeSpan.FromMilliseconds(8)), new WorkerUsage("b/worker-1", 0, 3, TimeSpan.FromMilliseconds(6))],
            await store.WorkerUsageAsync(job, CancellationToken.None));
    }

    [Fact]
    public async Task WriteResultsAsync_TwoBuffersOfOtherWorkersJoined_KeepEachResultsWorkerAndValue()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var job = await SubmitAsync(store, 4);
        var claim = Assert.Single(await store.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));
        var first = new StoredResults(job);
        first.Add(new ChunkResult(job, 0, 0, new long[] { 0, 10 }, null, [TimeSpan.Zero, TimeSpan.Zero], "a/worker-1", TimeSpan.Zero), i => i);
        var second = new StoredResults(job);
        second.Add(new ChunkResult(job, 1, 2, new long[] { 20 }, null, [TimeSpan.Zero], "b/worker-1", TimeSpan.Zero), i => i);
        second.Add(new ChunkResult(job, 2, 3, new long[] { 30 }, null, [TimeSpan.Zero], "a/worker-1", TimeSpan.Zero), i => i);

        // The run's writer joins what came while the last write was stored into one block: the second buffer's workers are numbered apart.
        first.Add(second);
        Assert.True(await store.WriteResultsAsync(job, "silo-a", claim.Epoch, first, CancellationToken.None));
        var (read, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1 << 20, failedOnly: false, CancellationToken.None);

        Assert.Equal([0L, 1L, 2L, 3L], read.Indices);
        Assert.Equal(["a/worker-1", "a/worker-1", "b/worker-1", "a/worker-1"], read.Workers);
        Assert.Equal([0L, 10L, 20L, 30L], Enumerable.Range(0, 4).Select(i => System.Text.Json.JsonSerializer.Deserialize<long>(read.Values[i].Span)));
        Assert.Equal(1, await postgres.QueryAsAdminAsync<long>(_database, $"SELECT count(*) FROM grid_result_blocks WHERE job_id = '{job}'"));
    }

    [Fact]
    public async Task MigrateAsync_StoreOfVersion2WithARunningJob_MovesItsResultsIntoBlocksInStoreOrder()
    {
        var job = Guid.NewGuid();
        await using (var old = NpgsqlDataSource.Create(_database))
        {
            await JobStoreSchema.MigrateAsync(old, version: 2, CancellationToken.None);

            // A job a silo of schema version 2 was running: 10,000 inputs, of which 9,000 have results (stored last first, one failed).
            var sql = new[]
            {
                """
                INSERT INTO grid_jobs (id, kernel, input_type, output_type, settings, state, total, succeeded, failed, started_at, owner_name, runs)
                VALUES ($1, 'twice', 'System.Int64', 'System.Int64', '{}', 2, 10000, 8999, 1, now(), 'old-silo', 1)
                """,
                """
                INSERT INTO grid_results (job_id, idx, status, value, error_type, error_message, duration_us, worker, attempts)
                SELECT $1, i, CASE WHEN i = 5000 THEN 1 ELSE 0 END, CASE WHEN i = 5000 THEN NULL ELSE convert_to((i * 2)::text, 'UTF8') END,
                    CASE WHEN i = 5000 THEN 'System.Exception' END, CASE WHEN i = 5000 THEN 'boom' END, 7, 'old/worker-' || (i % 2), 1
                FROM generate_series(9999, 1000, -1) AS i
                """,
            };
            foreach (var statement in sql)
            {
                await using var insert = old.CreateCommand(statement);
                insert.Parameters.Add(new() { Value = job });
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var stored = await store.StoredIndicesAsync(job, 10_000, CancellationToken.None);
        var order = new List<long>();
        var position = 0L;
        StoredResultBatch batch;
        do
        {
            (batch, position) = await store.ReadResultsAsync(job, position, 4096, budget: 1 << 20, failedOnly: false, CancellationToken.None);
            order.AddRange(batch.Indices);
        }
        while (batch.Count > 0);
        var (failed, _) = await store.ReadResultsAsync(job, 0, 10, budget: 1 << 20, failedOnly: true, CancellationToken.None);

        Assert.Equal(9000, stored.Count);
        Assert.Equal(Enumerable.Range(1000, 9000).Select(i => (long)i), stored);
        Assert.Equal(Enumerable.Range(1000, 9000).Reverse().Select(i => (long)i), order);
        Assert.Equal((5000L, new ItemError(ItemStatus.Failed, "System.Exception", "boom")), (Assert.Single(failed.Indices), failed.Errors![0]));
        Assert.Equal(2, await postgres.QueryAsAdminAsync<long>(_database, $"SELECT count(*) FROM grid_result_blocks WHERE job_id = '{job}'"));
        Assert.Equal(0L, await postgres.QueryAsAdminAsync<long>(_database, "SELECT count(*) FROM pg_tables WHERE tablename = 'grid_results'"));
        Assert.Equal([4500L, 4500L], (await store.WorkerUsageAsync(job, CancellationToken.None)).Select(u => u.Items));
    }

    [Fact]
    public async Task SweepAsync_FinishedJobPastItsRetention_IsDeletedWithItsInputsAndResults()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var old = await SubmitAsync(store, 3);
        var recent = await SubmitAsync(store, 3);
        foreach (var job in new[] { old, recent })
        {
            Assert.NotNull(await store.CancelAsync(job, "The test ended it.", CancellationToken.None));
        }

        // One ended eight days ago, past the default retention of seven; the other just now.
        await postgres.ExecuteAsAdminAsync(_database, $"UPDATE grid_jobs SET finished_at = now() - interval '8 days' WHERE id = '{old}'");
        var deleted = await store.SweepAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Null(await store.GetAsync(old, CancellationToken.None));
        Assert.Equal(0L, await postgres.QueryAsAdminAsync<long>(_database, $"SELECT count(*) FROM grid_inputs WHERE job_id = '{old}'"));
        Assert.Equal(0L, await postgres.QueryAsAdminAsync<long>(_database, $"SELECT count(*) FROM grid_result_blocks WHERE job_id = '{old}'"));
        Assert.Equal((StoredJobState.Cancelled, 3L), ((await store.GetAsync(recent, CancellationToken.None))!.State, (await store.GetAsync(recent, CancellationToken.None))!.Cancelled));
    }

    [Fact]
    public async Task SweepAsync_SubmissionWhoseClientStopped_FailsAndNeverRuns()
    {
        await using var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var spec = new JobSpec(Guid.NewGuid(), "twice", typeof(long), typeof(long));
        await store.CreateAsync(spec, CancellationToken.None);
        await store.AppendInputsAsync(spec.JobId, 0, PackedItems.Pack(new List<long> { 1, 2 }), CancellationToken.None);
        await postgres.ExecuteAsAdminAsync(_database, $"UPDATE grid_jobs SET touched_at = now() - interval '6 minutes' WHERE id = '{spec.JobId}'");

        await store.SweepAsync(CancellationToken.None);

        var job = await store.GetAsync(spec.JobId, CancellationToken.None);
        Assert.Equal(StoredJobState.Failed, job!.State);
        Assert.Contains("stopped storing inputs", job.Error, StringComparison.Ordinal);
        Assert.Empty(await store.ClaimAsync("silo-a", "a", 1, [], [], CancellationToken.None));
    }
}
