using Grid.Client;
using Grid.Stored;
using Grid.Tests.Cli;
using Grid.Tests.Cluster;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Stored;

/// <summary>Detached jobs on real silo processes meeting on the test Redis and keeping jobs in the test PostgreSQL: the job outlives its client, the silo that owns it and every silo of the cluster, with each result stored once.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StoredJobClusterTests(RedisFixture redis, PostgresFixture postgres) : IAsyncLifetime
{
    // Every item but the first finishes at once; the first waits on a latch file, so the job is mid-way when a test acts. One held
    // item keeps one worker busy and leaves the others free (held items as many as the workers would stall the whole job).
    private const int Items = 2_000;
    private const int Held = 1;
    private readonly string _latch = Path.Combine(Path.GetTempPath(), $"grid-latch-{Guid.NewGuid():N}");
    private string _store = string.Empty;

    public async Task InitializeAsync() => _store = await postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        File.Delete(_latch);
        await postgres.DropDatabaseAsync(_store);
    }

    private Task<SiloCluster> StartClusterAsync(int silos) => SiloCluster.StartAsync(redis, silos, options => options with
    {
        Settings = new Dictionary<string, string>
        {
            ["Grid__Kernels__Assemblies__0"] = typeof(LatchKernel).Assembly.Location,
            ["Grid__Jobs__Store"] = _store,
            ["Grid__Jobs__Lease"] = "00:00:03",
            ["Grid__Jobs__PollInterval"] = "00:00:00.250",
        },
    });

    private IEnumerable<LatchItem> Inputs() => Enumerable.Range(0, Items).Select(i => new LatchItem(i, i < Held ? _latch : null));

    private static Task WaitForStoredAsync(GridClient client, Guid job, long count, SiloCluster cluster)
        => ClusterWorkload.WaitUntilAsync(
            async () => (await client.GetJobAsync(job))!.Completed >= count,
            async () => $"job {job} has {(await client.GetJobAsync(job))?.Completed} results stored, not {count}\n{cluster.Logs}");

    // Waits until every item but the held ones is stored, kills the job's owner with SIGKILL, then opens the latch; returns the owner's name.
    private async Task<string?> KillOwnerWhenOnlyTheHeldAreLeftAsync(SiloCluster cluster, GridClient client, Guid job)
    {
        await WaitForStoredAsync(client, job, Items - Held, cluster);
        var owner = (await client.GetJobAsync(job))!.Owner;
        var victim = cluster.Silos.Single(s => s.Name == owner);
        victim.KillHard();
        Assert.Equal(137, await victim.WaitForExitAsync(TestLimits.Hang));
        await File.WriteAllTextAsync(_latch, string.Empty);
        return owner;
    }

    private static async Task AssertCompleteAsync(GridClient client, Guid job)
    {
        var attached = client.AttachAsync<long>(job);
        var results = await attached.ReadAllAsync();
        GridJobReading.AssertEachIndexOnce(results, Items);
        Assert.All(results, r => Assert.Equal((true, r.Index), (r.IsSuccess, r.Value)));
        var summary = await attached.Summary;
        Assert.Equal((Grid.Jobs.JobOutcome.Completed, (long)Items), (summary.Outcome, summary.Succeeded));
    }

    [Fact]
    public async Task SubmitJobAsync_ClientGoneRightAfter_JobCompletesForAnotherClient()
    {
        await using var cluster = await StartClusterAsync(2);
        DetachedJob job;
        await using (var submitter = await cluster.ConnectClientAsync())
        {
            job = await submitter.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, Enumerable.Range(0, Items).Select(i => new LatchItem(i)));
        }

        await using var reader = await cluster.ConnectClientAsync();
        await AssertCompleteAsync(reader, job.Id);
    }

    [Fact]
    public async Task GridKernels_SilosWithAKernelAssemblyTheCommandLacks_ListsItByTypeName()
    {
        // The grid program does not have the test assembly the silos load their kernels from: the catalog names the types.
        await using var cluster = await StartClusterAsync(1);
        using var grid = await GridProcess.StartAsync(
            new Dictionary<string, string> { ["GRID_CLUSTER"] = cluster.ConnectionString },
            "--cluster-name", cluster.Name, "kernels", "--json");

        var output = await grid.StandardOutput.ReadToEndAsync().WaitAsync(TestLimits.Hang);
        await grid.WaitForExitAsync().WaitAsync(TestLimits.Hang);

        Assert.True(grid.ExitCode == 0, $"exit {grid.ExitCode}: {output}{await grid.StandardError.ReadToEndAsync()}");
        var latch = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .Single(k => k.GetProperty("name").GetString() == LatchKernel.Name);
        Assert.Equal((typeof(LatchItem).FullName, typeof(long).FullName), (latch.GetProperty("input").GetString(), latch.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task GridDetach_ProcessKilledRightAfterPrintingTheId_JobCompletesWithEveryVerdict()
    {
        await using var cluster = await StartClusterAsync(2);
        using var grid = await GridProcess.StartAsync(
            new Dictionary<string, string> { ["GRID_CLUSTER"] = cluster.ConnectionString },
            "--cluster-name", cluster.Name, "primes", "--from", "1", "--count", "3000", "--detach");

        var line = await grid.StandardOutput.ReadLineAsync().WaitAsync(TestLimits.Hang);
        grid.Kill(entireProcessTree: true);
        await grid.WaitForExitAsync().WaitAsync(TestLimits.Hang);

        Assert.True(Guid.TryParse(line, out var id), $"grid --detach printed '{line}', not a job id: {await grid.StandardError.ReadToEndAsync()}");
        await using var client = await cluster.ConnectClientAsync();
        var attached = client.AttachAsync<bool>(id);
        var results = await attached.ReadAllAsync();
        GridJobReading.AssertEachIndexOnce(results, 3000);
        var numbers = Enumerable.Range(1, 3000).Select(i => (long)i).ToArray();
        Assert.All(results, r => Assert.Equal(ClusterWorkload.IsPrime(numbers[r.Index]), r.Value));
        Assert.Equal(Grid.Jobs.JobOutcome.Completed, (await attached.Summary).Outcome);
    }

    [Fact]
    public async Task OwnerSiloKilled_AnotherSiloTakesTheJobOver_EveryResultStoredOnce()
    {
        await using var cluster = await StartClusterAsync(2);
        await using var client = await cluster.ConnectClientAsync();
        var job = await client.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, Inputs());
        var owner = await KillOwnerWhenOnlyTheHeldAreLeftAsync(cluster, client, job.Id);

        await AssertCompleteAsync(client, job.Id);
        var stored = (await client.GetJobAsync(job.Id))!;
        Assert.NotEqual(owner, stored.Owner);
        Assert.Equal(2, stored.Runs);
    }

    [Fact]
    public async Task OwnerSiloKilled_OrderedJob_ResultsStayInInputOrderAcrossTheTakeover()
    {
        await using var cluster = await StartClusterAsync(2);
        await using var client = await cluster.ConnectClientAsync();

        // The last items wait for the latch, so an ordered job stores every item before them and then holds; its owner dies there.
        var inputs = Enumerable.Range(0, Items).Select(i => new LatchItem(i, i >= Items - Held ? _latch : null));
        var job = await client.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, inputs, new MapOptions { Ordered = true });
        await KillOwnerWhenOnlyTheHeldAreLeftAsync(cluster, client, job.Id);

        var results = await client.AttachAsync<long>(job.Id).ReadAllAsync();
        Assert.Equal(Enumerable.Range(0, Items).Select(i => (long)i), results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal((true, r.Index), (r.IsSuccess, r.Value)));
        var stored = (await client.GetJobAsync(job.Id))!;
        Assert.Equal((StoredJobState.Completed, 2), (stored.State, stored.Runs));
    }

    [Fact]
    public async Task EverySiloKilled_NewSilosOnOtherPorts_ResumeTheJobFromItsStoredResults()
    {
        await using var cluster = await StartClusterAsync(2);
        Guid job;
        await using (var client = await cluster.ConnectClientAsync())
        {
            job = (await client.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, Inputs())).Id;
            await WaitForStoredAsync(client, job, Items - Held, cluster);
        }

        foreach (var silo in cluster.Silos)
        {
            silo.KillHard();
        }

        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(137, await silo.WaitForExitAsync(TestLimits.Hang));
        }

        await File.WriteAllTextAsync(_latch, string.Empty);
        await cluster.StartSiloAsync();
        await cluster.StartSiloAsync();

        await using var again = await cluster.ConnectClientAsync();
        await AssertCompleteAsync(again, job);
        Assert.True((await again.GetJobAsync(job))!.Runs >= 2);
    }

    [Fact]
    public async Task PostgresRestartedMidJob_SilosReconnect_NothingIsLost()
    {
        await using var cluster = await StartClusterAsync(2);
        await using var client = await cluster.ConnectClientAsync();
        var job = await client.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, Inputs());
        await WaitForStoredAsync(client, job.Id, Items - Held, cluster);

        await postgres.RestartAsync();
        await File.WriteAllTextAsync(_latch, string.Empty);

        await AssertCompleteAsync(client, job.Id);
    }
}
