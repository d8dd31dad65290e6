using Grid.Jobs;
using Grid.Tests.Runtime.TestGrains;

namespace Grid.Tests.Runtime;

public sealed class StatelessWorkerPoolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WorkAsync_MoreCallsThanMaxWorkers_PoolGrowsToItsMaximumAndQueuesTheRest()
    {
        var probe = new Probe();
        await using var cluster = await RuntimeCluster.StartAsync(probe);
        var pool = cluster.GrainFactory.GetGrain<IPoolGrain>(0);

        // One call at a time needs one activation: the pool grows only on demand.
        await pool.WhoAmIAsync();
        Assert.Equal(1, PoolSize<IPoolGrain>(cluster));

        var calls = Enumerable.Range(0, 5).Select(pool.WorkAsync).ToArray();
        await probe.WhenSignalled("pool-started-3");

        // [StatelessWorker(3)]: three run, two wait in the pool's mailbox for a free activation.
        Assert.Equal(3, PoolSize<IPoolGrain>(cluster));
        Assert.Equal(3, probe.Count("pool-running"));
        Assert.All(calls, c => Assert.False(c.IsCompleted));

        probe.Gate.Release(5);
        var names = await Task.WhenAll(calls).WaitAsync(Limit);

        Assert.Equal(5, probe.Count("pool-running"));
        Assert.Equal(3, names.Distinct().Count());
        Assert.Equal(3, PoolSize<IPoolGrain>(cluster));
    }

    [Fact]
    public async Task GetMaxLocalWorkers_DefaultSilo_IsTheCoreCount()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new Probe());

        var runtime = Services(cluster).GetService(typeof(IGrainRuntime)) as IGrainRuntime;

        Assert.Equal(Environment.ProcessorCount, runtime!.GetMaxLocalWorkers<IWorkerGrain>());
        Assert.Equal(3, runtime.GetMaxLocalWorkers<IPoolGrain>());
    }

    [Fact]
    public async Task GetMaxLocalWorkers_ConfiguredSilo_FollowsMaxLocalWorkers()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new Probe(), silo => silo.Configure(o => o.MaxLocalWorkers = 7));

        var runtime = (IGrainRuntime)Services(cluster).GetService(typeof(IGrainRuntime))!;

        Assert.Equal(7, runtime.GetMaxLocalWorkers<IWorkerGrain>());
    }

    [Fact]
    public async Task WhoAmIAsync_WorkersCollectedBetweenCalls_EveryCallIsServed()
    {
        // Workers are collected almost as soon as they fall idle, so calls keep landing while the last worker leaves.
        await using var cluster = await RuntimeCluster.StartAsync(new Probe(), silo => silo.Configure(o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(1);
            o.CollectionInterval = TimeSpan.FromMilliseconds(1);
        }));
        var pool = cluster.GrainFactory.GetGrain<IPoolGrain>(0);
        var random = new Random(7);

        for (var i = 0; i < 150; i++)
        {
            await pool.WhoAmIAsync().WaitAsync(Limit);

            // A pause of a few milliseconds shapes the race (it synchronises nothing): the worker may be collected during it.
            await Task.Delay(random.Next(0, 4));
        }
    }

    private static int PoolSize<TGrain>(TestingHost.TestCluster cluster)
        where TGrain : IGrain => SiloOf(cluster).Catalog.FindPool<TGrain>("0")!.Count;

    private static Grid.Hosting.Silo SiloOf(TestingHost.TestCluster cluster)
        => (Grid.Hosting.Silo)Services(cluster).GetService(typeof(Grid.Hosting.Silo))!;

    private static IServiceProvider Services(TestingHost.TestCluster cluster) => cluster.Services;
}
