using Grid.Client;
using Grid.Kernels;
using Grid.TestingHost;
using Grid.Tests.Runtime;
using Grid.Tests.Runtime.TestGrains;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Jobs;

/// <summary>A job stays alive through idle collection while its chunks run and its results are read, however long the consumer pauses.</summary>
public sealed class JobGrainCollectionTests
{
    [Fact]
    public async Task Map_ConsumerPausesLongerThanIdleTimeoutWhileChunksRun_JobIsNotCollected()
    {
        var probe = new Probe();
        await using var cluster = await RuntimeCluster.StartAsync(probe, silo => silo
            .AddKernel(GateKernel.Name, new GateKernel())
            .Configure(o =>
            {
                o.IdleTimeout = TimeSpan.FromMilliseconds(50);
                o.CollectionInterval = TimeSpan.FromMilliseconds(10);
            }));
        using var gate = new Gate();
        GateItem[] items = [new(gate, 1), new(gate, 2, Blocks: true), new(gate, 3, Blocks: true)];
        var job = cluster.Client.Map<GateItem, long>(GateKernel.Name, items, new MapOptions { Ordered = false });

        var received = new List<long>();
        await using (var results = job.GetAsyncEnumerator())
        {
            Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(TestLimits.Hang));
            received.Add(results.Current.Value);
            await gate.Blocked.WhenReached(1);

            // The job's chunks now run outside any turn and nobody asks the job anything: twice let a witness grain be
            // collected, so the collector has passed over the job well after its idle time, too.
            await WaitForCollectionAsync(cluster, probe, "witness", 1);
            await WaitForCollectionAsync(cluster, probe, "witness", 2);
            gate.Open();

            while (await results.MoveNextAsync().AsTask().WaitAsync(TestLimits.Hang))
            {
                received.Add(results.Current.Value);
            }
        }

        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(3, received.Count);
        Assert.Equal(3, summary.Succeeded);
    }

    private static async Task WaitForCollectionAsync(TestCluster cluster, Probe probe, string key, int times)
    {
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>(key).RememberAsync(times);
        await probe.WhenSignalled($"deactivated-{key}-{times}");
    }
}
