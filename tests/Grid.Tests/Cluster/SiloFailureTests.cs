using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A silo that dies or is stopped in the middle of a job costs the job nothing: every item's result reaches the client exactly once.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SiloFailureTests(RedisFixture broker)
{
    // 24 slow primes on two silos of two workers: several seconds of work, so a silo acted on after the fourth result dies mid-job.
    private const int Items = 24;
    private const int ActAfter = 4;

    [Fact]
    public async Task GetSilosAsync_SiloKilled_LeavesTheView()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var (survivor, victim) = (cluster.Silos[0], cluster.Silos[1]);

        victim.KillHard();

        await ClusterWorkload.WaitUntilAsync(
            async () => (await client.GetSilosAsync()).Select(s => s.Name).SequenceEqual([survivor.Name]),
            () => ClusterWorkload.DescribeSilosAsync(client));
    }

    [Fact]
    public async Task Map_SiloNotOwningTheJobKilledMidJob_CompletesWithEveryResultOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        SiloProcess? victim = null;

        var results = await ClusterWorkload.ReadAllAsync(job, async count =>
        {
            if (count == ActAfter)
            {
                var owner = await ClusterWorkload.FindOwnerAsync(cluster, client, job.Id);
                victim = cluster.Silos.Single(s => s != owner);
                victim.KillHard();
            }
        });

        Assert.NotNull(victim);
        Assert.Equal(137, await victim.WaitForExitAsync(TestLimits.Hang));
        ClusterWorkload.AssertVerdicts(results, inputs);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(Grid.Jobs.JobOutcome.Completed, summary.Outcome);
        Assert.Equal(Items, summary.Succeeded);
    }

    [Fact]
    public async Task Map_SiloOwningTheJobKilledMidJob_ResumesOnAnotherSiloWithEveryResultOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        SiloProcess? owner = null;

        var results = await ClusterWorkload.ReadAllAsync(job, async count =>
        {
            if (count == ActAfter)
            {
                owner = await ClusterWorkload.FindOwnerAsync(cluster, client, job.Id);
                owner.KillHard();
            }
        });

        Assert.NotNull(owner);
        Assert.Equal(137, await owner.WaitForExitAsync(TestLimits.Hang));
        ClusterWorkload.AssertVerdicts(results, inputs);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(Grid.Jobs.JobOutcome.Completed, summary.Outcome);
        Assert.Equal(Items, summary.Total);
        Assert.Equal(Items, summary.Succeeded);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Map_SiloTerminatedMidJob_LeavesGracefullyAndTheJobCompletesWithEveryResultOnce(bool ownsTheJob)
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        SiloProcess? leaver = null;
        Task<int>? exit = null;

        var results = await ClusterWorkload.ReadAllAsync(job, async count =>
        {
            if (count == ActAfter)
            {
                var owner = await ClusterWorkload.FindOwnerAsync(cluster, client, job.Id);
                leaver = ownsTheJob ? owner : cluster.Silos.Single(s => s != owner);
                exit = leaver.TerminateAsync();
            }
        });

        Assert.NotNull(leaver);
        var code = await exit!;
        Assert.True(code == 0, $"exit code {code}\n{leaver.Log}");
        Assert.Contains(leaver.Lines, line => line.Contains($"Silo {leaver.Name} left cluster {cluster.Name}", StringComparison.Ordinal));
        ClusterWorkload.AssertVerdicts(results, inputs);
        Assert.Equal(Items, (await job.Summary.WaitAsync(TestLimits.Hang)).Succeeded);
        var stayer = cluster.Silos.Single(s => s != leaver);
        await ClusterWorkload.WaitUntilAsync(
            async () => (await client.GetSilosAsync()).Select(s => s.Name).SequenceEqual([stayer.Name]),
            () => ClusterWorkload.DescribeSilosAsync(client));
    }
}
