using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Tests.Isolation;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>Process-isolated kernels on real silo programs of a cluster: a job's hard limit and retry policy travel through the broker, and the silos' worker processes are killed and replaced as on an embedded silo.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterIsolationTests(RedisFixture broker)
{
    [Fact]
    public async Task Map_IsolatedKernelsOnTwoSilos_HardLimitKillsTheSpinnerAndCrashesAreRetried()
    {
        // The silos load this test assembly's kernels, as an operator lists a kernel assembly in Grid:Kernels:Assemblies.
        await using var cluster = await SiloCluster.StartAsync(broker, 2, options => options with
        {
            Settings = new Dictionary<string, string> { ["Grid__Kernels__Assemblies__0"] = typeof(IsolatedSpinKernel).Assembly.Location },
        });
        await using var client = await cluster.ConnectClientAsync();
        long[] inputs = [1, 2, -1, 3, 4];

        var spun = await client.Map<long, long>(IsolatedSpinKernel.Name, inputs, new MapOptions { HardItemTimeout = TimeSpan.FromMilliseconds(500) }).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(spun, inputs.Length);
        var stopped = Assert.Single(spun, r => r.Index == 2);
        Assert.Equal((ItemStatus.TimedOut, KernelReasons.HardTimeout), (stopped.Status, stopped.Error!.Type));
        Assert.Contains("hard time limit of 500 ms", stopped.Error.Message, StringComparison.Ordinal);
        Assert.All(spun.Where(r => r.Index != 2), r => Assert.Equal(inputs[r.Index] * 2, r.GetValueOrThrow()));

        var marker = Path.Combine(Path.GetTempPath(), $"grid-cluster-crash-once-{Guid.NewGuid():N}");
        try
        {
            var retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1), RetryCrashes = true };
            var job = client.Map<string, int>(CrashOnceKernel.Name, [marker], new MapOptions { Retry = retry });

            var crashed = Assert.Single(await job.ReadAllAsync());
            var summary = await job.Summary.WaitAsync(TestLimits.Hang);

            Assert.Equal((ItemStatus.Ok, 2, 2), (crashed.Status, crashed.Attempts, crashed.GetValueOrThrow()));
            Assert.Equal((1L, 1L), (summary.Retries, summary.CrashRetries));
        }
        finally
        {
            File.Delete(marker);
        }
    }
}
