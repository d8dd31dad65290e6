using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;
using Grid.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grid.Tests.Workers;

/// <summary>Work spreads over every silo by pull, a silo that joins mid-job takes work at once, and a stopped silo's chunks run again elsewhere, each result delivered once.</summary>
[Collection(InProcessClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class PullSpreadTests
{
    [Fact]
    public async Task Map_ThreeSilos_EverySiloRunsItemsOfTheJob()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(3);
        var round = SpreadKernel.NewRound();
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, 24).Select(i => (long)i));
        var reading = job.ReadAllAsync();

        // Every item holds its worker until released: all three silos must have taken some of them.
        await round.WhenAsync(entered => entered.Count == 3).WaitAsync(TestLimits.Hang);
        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);

        AssertEachOnce(results, 24);
        Assert.Equal(3, results.Select(r => SiloOf(r.Worker)).Distinct().Count());
    }

    [Fact]
    public async Task Map_SiloJoinsMidJob_TheNewSiloTakesItemsOfThatJob()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(2);
        var round = SpreadKernel.NewRound();
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, 40).Select(i => (long)i));
        var reading = job.ReadAllAsync();
        await round.WhenAsync(entered => entered.Count == 2 && entered.Values.Sum() == 2 * InProcessGridCluster.WorkersPerSilo).WaitAsync(TestLimits.Hang);

        var joined = await cluster.Orleans.StartAdditionalSiloAsync();
        await round.WhenAsync(entered => entered.ContainsKey(joined.Name)).WaitAsync(TestLimits.Hang);
        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);

        AssertEachOnce(results, 40);
        Assert.Contains(results, r => SiloOf(r.Worker) == joined.Name);
    }

    [Fact]
    public async Task Map_SiloHoldingChunksStops_ItsChunksRunElsewhereAndEveryResultArrivesOnce()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(3);
        var round = SpreadKernel.NewRound();
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, 24).Select(i => (long)i));
        var reading = job.ReadAllAsync();
        await round.WhenAsync(entered => entered.Count == 3).WaitAsync(TestLimits.Hang);

        // Stop a silo that holds items of the job but not the job itself; its held items never answer.
        var jobSilo = await cluster.Client.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Client.GrainFactory.GetGrain<IMapJobGrain>(job.Id));
        var victim = cluster.Orleans.Silos.First(s => !s.SiloAddress.Equals(jobSilo) && round.Entered.ContainsKey(s.Name));
        var before = round.Entered.Values.Sum();
        await cluster.Orleans.KillSiloAsync(victim);

        // Its chunks go out again: the survivors start more items than they had (they queue behind the held ones until released).
        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);

        AssertEachOnce(results, 24);
        Assert.DoesNotContain(results, r => SiloOf(r.Worker) == victim.Name);
        Assert.True(round.Entered.Values.Sum() > before);
    }

    [Fact]
    public async Task Map_TheJobsOwnSiloStops_TheJobGoesOnElsewhereAndEveryResultArrivesOnce()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(3);
        var round = SpreadKernel.NewRound();
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, 60).Select(i => (long)i), new MapOptions { Ordered = true });
        var reading = job.ReadAllAsync();
        await round.WhenAsync(entered => entered.Count == 3).WaitAsync(TestLimits.Hang);

        var jobSilo = await cluster.Client.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Client.GrainFactory.GetGrain<IMapJobGrain>(job.Id));
        var victim = cluster.Orleans.Silos.Single(s => s.SiloAddress.Equals(jobSilo));
        await cluster.Orleans.KillSiloAsync(victim);
        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        AssertEachOnce(results, 60);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), results.Select(r => r.Index));
        Assert.Equal(60, summary.Total);
        Assert.Equal(60, summary.Succeeded);
    }

    [Fact]
    public async Task TakeChunksAsync_FromASiloDeclaredDead_TakesNothingAndTheJobCompletesOnTheSurvivor()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(2);
        var round = SpreadKernel.NewRound();

        // The items hold their workers, so chunks stay one item each and most items wait in the job for a pull.
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, 40).Select(i => (long)i));
        var reading = job.ReadAllAsync();
        await round.WhenAsync(entered => entered.Count == 2 && entered.Values.Sum() == 2 * InProcessGridCluster.WorkersPerSilo).WaitAsync(TestLimits.Hang);
        var jobSilo = await cluster.Client.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Client.GrainFactory.GetGrain<IMapJobGrain>(job.Id));
        var survivor = cluster.Orleans.Silos.Single(s => s.SiloAddress.Equals(jobSilo));
        var victim = cluster.Orleans.Silos.Single(s => s != survivor);
        var declaredDead = WhenDeclaredDeadAsync(survivor.ServiceProvider.GetRequiredService<IClusterMembershipService>(), victim.SiloAddress);

        await cluster.Orleans.KillSiloAsync(victim);
        await declaredDead.WaitAsync(TestLimits.Hang);

        // A silo still running for a moment after it was declared dead pulls under its own key: it must get nothing, or those chunks never come back.
        var taken = await cluster.Client.GrainFactory.GetGrain<IChunkSource>(job.Id).TakeChunksAsync(WorkerPools.KeyOf(victim.SiloAddress), 2, 4);
        Assert.Empty(taken.Value);
        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);

        AssertEachOnce(results, 40);
        Assert.All(results, r => Assert.Equal(survivor.Name, SiloOf(r.Worker)));
    }

    private static async Task WhenDeclaredDeadAsync(IClusterMembershipService membership, SiloAddress silo)
    {
        await foreach (var snapshot in membership.MembershipUpdates)
        {
            if (snapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            {
                return;
            }
        }
    }

    private static void AssertEachOnce(IReadOnlyList<ItemResult<long>> results, int count)
    {
        Assert.Equal(count, results.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(r.Index * 2, r.Value));
    }

    private static string SiloOf(string worker) => worker[..worker.IndexOf('/', StringComparison.Ordinal)];
}
