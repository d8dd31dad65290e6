using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A RabbitMQ restart in the middle of a job: silos and client reconnect, and the job completes with every result exactly once.</summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerRestartTests(BrokerFixture broker)
{
    [Fact]
    public async Task Map_BrokerRestartedMidJob_ReconnectsAndCompletesWithEveryResultOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var client = await cluster.ConnectClientAsync();
        Assert.Equal(2, (await client.GetSilosAsync()).Count);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 40);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        var read = 0;
        Task? restart = null;
        var readWhenLost = -1;
        var lost = ClusterWorkload.WaitForAnySiloLineAsync(cluster, "Lost the connection to the broker")
            .ContinueWith(_ => Volatile.Write(ref readWhenLost, Volatile.Read(ref read)), TaskScheduler.Default);

        var results = await ClusterWorkload.ReadAllAsync(job, count =>
        {
            Volatile.Write(ref read, count);
            if (count == 4)
            {
                restart = broker.RestartBrokerAsync();
            }

            return Task.CompletedTask;
        });

        Assert.NotNull(restart);
        await restart.WaitAsync(TestLimits.Hang);
        await lost.WaitAsync(TestLimits.Hang);
        Assert.True(readWhenLost < inputs.Length, $"the job had ended ({readWhenLost} results) before the broker went down: it did not run across the restart");
        ClusterWorkload.AssertVerdicts(results, inputs);
        Assert.Equal(inputs.Length, (await job.Summary.WaitAsync(TestLimits.Hang)).Succeeded);
        foreach (var silo in cluster.Silos)
        {
            await silo.WaitForLineAsync("Lost the connection to the broker", TestLimits.Hang);
            await silo.WaitForLineAsync("(connection 2)", TestLimits.Hang);
        }

        await ClusterWorkload.WaitUntilAsync(
            async () => (await client.GetSilosAsync()).Count == 2,
            () => ClusterWorkload.DescribeSilosAsync(client));
    }
}
