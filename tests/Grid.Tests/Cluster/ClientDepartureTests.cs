using System.Diagnostics;
using System.Globalization;
using Grid.Kernels;
using Grid.Tests.Cli;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A client that goes away cancels its job: the silos stop running its chunks and hold none of them.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClientDepartureTests(RedisFixture broker)
{
    // Far more work than the tests wait for: 200 slow primes on four workers would keep the silos busy for many seconds.
    private const int Items = 200;

    [Fact]
    public async Task DisposeAsync_ClientMidJob_CancelsTheJobOnTheSilosAndDrainsTheWorkQueue()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var observer = await cluster.ConnectClientAsync();
        var client = await cluster.ConnectClientAsync();
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items);
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);
        var midJob = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ClusterWorkload.ReadAllAsync(job, count =>
        {
            if (count == 2)
            {
                midJob.TrySetResult();
            }

            return Task.CompletedTask;
        });
        await midJob.Task.WaitAsync(TestLimits.Hang);

        await client.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => reading);
        await ClusterWorkload.WaitForAnySiloLineAsync(cluster, $"Job {job.Id} Cancelled");
        await AssertDrainedAsync(cluster, observer);
    }

    [Fact]
    public async Task GridProcess_KilledMidJob_ItsJobIsStoppedAndTheWorkQueueDrains()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 2);
        await using var observer = await cluster.ConnectClientAsync();
        var numbers = Path.Combine(Path.GetTempPath(), $"grid-{cluster.Name}-primes.txt");
        await File.WriteAllLinesAsync(numbers, ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, Items).Select(p => p.ToString(CultureInfo.InvariantCulture)));
        Process? grid = null;
        try
        {
            grid = await GridProcess.StartAsync(new Dictionary<string, string> { ["GRID_CLUSTER"] = cluster.ConnectionString, ["GRID_CLUSTER_NAME"] = cluster.Name }, "primes", "--file", numbers);
            var printed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lines = 0;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            grid.ErrorDataReceived += (_, e) => output.Enqueue("[err] " + e.Data);
            grid.OutputDataReceived += (_, e) =>
            {
                output.Enqueue(e.Data ?? string.Empty);
                if (e.Data?.Contains(" is prime", StringComparison.Ordinal) == true && Interlocked.Increment(ref lines) == 2)
                {
                    printed.TrySetResult();
                }
            };
            grid.BeginOutputReadLine();
            grid.BeginErrorReadLine();
            await Task.WhenAny(printed.Task, grid.WaitForExitAsync()).WaitAsync(TestLimits.Hang);
            Assert.False(grid.HasExited, $"grid exited with {(grid.HasExited ? grid.ExitCode : 0)} before the job was half done:\n{string.Join('\n', output)}");

            grid.Kill();
            await grid.WaitForExitAsync().WaitAsync(TestLimits.Hang);
            ChildProcessLauncher.Forget(grid);
            Assert.Equal(128 + 9, grid.ExitCode);

            // The job's silo stops it once the client has been silent for the member timeout.
            await ClusterWorkload.WaitForAnySiloLineAsync(cluster, "The job's client stopped sending heartbeats");
            await AssertDrainedAsync(cluster, observer);
        }
        finally
        {
            if (grid is not null)
            {
                grid.Kill();
                grid.Dispose();
            }

            File.Delete(numbers);
        }
    }

    private async Task AssertDrainedAsync(SiloCluster cluster, Grid.Client.GridClient observer)
    {
        await ClusterWorkload.WaitUntilAsync(
            async () => (await observer.GetSilosAsync()) is { Count: 2 } silos && silos.All(s => s.RunningChunks == 0 && s.Jobs == 0),
            () => ClusterWorkload.DescribeSilosAsync(observer));
    }
}
