using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A silo that hangs (SIGSTOP) mid-job and a Redis restart mid-job cost the job time, never results.</summary>
[Trait("Category", "Cluster")]
[Collection(RedisCollection.Name)]
public sealed class SiloHangAndRedisRestartTests(RedisFixture redis)
{
    // 24 slow primes on two silos of two workers: several seconds of work, so a silo acted on after the fourth result is mid-job.
    private const int Items = 24;
    private const int ActAfter = 4;

    [Fact]
    public async Task Map_SiloNotOwningTheJobHangsMidJob_CompletesWithEveryResultOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(redis, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        SiloProcess? hung = null;

        var results = await ClusterWorkload.ReadAllAsync(job, async count =>
        {
            if (count == ActAfter)
            {
                var owner = await ClusterWorkload.FindOwnerAsync(cluster, client, job.Id);
                hung = cluster.Silos.Single(s => s != owner);
                hung.Pause();
            }
        });

        // Membership declared the hung silo dead and its chunks ran on the other; whatever it held never answered.
        Assert.NotNull(hung);
        ClusterWorkload.AssertVerdicts(results, inputs);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(Items, summary.Succeeded);
        hung.Resume();
    }

    [Fact]
    public async Task Map_RedisRestartedMidJob_CompletesWithEveryResultOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(redis, 2);
        await using var client = await cluster.ConnectClientAsync();
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        var restarted = false;

        var results = await ClusterWorkload.ReadAllAsync(job, async count =>
        {
            if (count == ActAfter)
            {
                // The membership table lives in Redis; silos and clients already connected talk to each other directly.
                await redis.RestartAsync();
                restarted = true;
            }
        });

        Assert.True(restarted);
        ClusterWorkload.AssertVerdicts(results, inputs);
        Assert.Equal(Items, (await job.Summary.WaitAsync(TestLimits.Hang)).Succeeded);
    }
}
