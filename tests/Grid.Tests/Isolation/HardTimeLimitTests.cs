using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.TestingHost;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Isolation;

/// <summary>The hard time limit of kernels that run in the silo's process: items run on their worker's kernel thread, and past the limit the worker abandons the call and takes the next item.</summary>
[Trait("Category", "Process")]
public sealed class HardTimeLimitTests
{
    [Fact]
    public async Task Map_InProcessKernelIgnoresItsTokenPastHardLimit_ItemsTimedOutAndTheOnlyWorkerRunsTheNextJob()
    {
        var kernel = new InProcessStuckKernel();
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .Configure(o => o.MaxLocalWorkers = 1)
            .AddKernel(InProcessStuckKernel.Name, kernel));
        try
        {
            // The limits go only on items that block until the test releases them, so nothing but the hard limit can end them,
            // however slow the machine; the second runs after the worker walked away from the first.
            long[] stuck = [-1, -2];
            var stopped = await cluster.Client.Map<long, long>(InProcessStuckKernel.Name, stuck, new MapOptions
            {
                ItemTimeout = TimeSpan.FromMilliseconds(100),
                HardItemTimeout = TimeSpan.FromMilliseconds(300),
            }).ReadAllAsync();

            GridJobReading.AssertEachIndexOnce(stopped, stuck.Length);
            Assert.All(stopped, result =>
            {
                Assert.Equal(ItemStatus.TimedOut, result.Status);
                Assert.Equal(KernelReasons.HardTimeout, result.Error!.Type);
                Assert.Contains("hard time limit of 300 ms", result.Error.Message, StringComparison.Ordinal);
                Assert.Contains("ignored its cancellation token", result.Error.Message, StringComparison.Ordinal);
                Assert.Contains("abandoned", result.Error.Message, StringComparison.Ordinal);
            });
            await kernel.Stuck.WhenReached(stuck.Length);

            // Both calls still block, and there is one worker: the next job's items (with no limit to pass) run only because it
            // walked away from them.
            long[] next = [1, 2, 3, 4];
            var results = await cluster.Client.Map<long, long>(InProcessStuckKernel.Name, next).ReadAllAsync();

            GridJobReading.AssertEachIndexOnce(results, next.Length);
            Assert.All(results, r => Assert.Equal(next[r.Index] * 2, r.GetValueOrThrow()));
        }
        finally
        {
            kernel.Release();
        }
    }

    [Fact]
    public async Task SubmitAsync_InProcessKernelWithHardTimeoutFromRegistration_ThrowsTimedOutAndTheOnlyWorkerTakesTheNextCall()
    {
        // The registration's limit applies to every call of the kernel, so only the call that blocks for good goes to it; the next
        // call goes to a kernel with no limit, which a slow machine cannot make it pass.
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .Configure(o => o.MaxLocalWorkers = 1)
            .AddKernel<SleepingKernel>(o => o.HardTimeout = TimeSpan.FromMilliseconds(200))
            .AddKernel(ThreadKernel.Name, new ThreadKernel()));

        var failure = await Assert.ThrowsAsync<ItemFailedException>(() => cluster.Client.SubmitAsync<int, int>(SleepingKernel.Name, 1).WaitAsync(TestLimits.Hang));
        var next = await cluster.Client.SubmitAsync<long, string>(ThreadKernel.Name, 0).WaitAsync(TestLimits.Hang);

        Assert.Equal(ItemStatus.TimedOut, failure.Error.Status);
        Assert.Equal(KernelReasons.HardTimeout, failure.Error.Type);
        Assert.Contains("hard time limit of 200 ms", failure.Error.Message, StringComparison.Ordinal);
        // The sleeping call never returns, yet the one worker ran the next call, on its own thread.
        Assert.Contains("/worker-1#", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ItemsWithinTheHardLimit_RunOnTheirWorkersOneKernelThread()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .Configure(o => o.MaxLocalWorkers = 2)
            .AddKernel(ThreadKernel.Name, new ThreadKernel()));
        var inputs = Enumerable.Range(0, 500).Select(i => (long)i).ToArray();

        var results = await cluster.Client.Map<long, string>(ThreadKernel.Name, inputs, new MapOptions { HardItemTimeout = TimeSpan.FromMinutes(1) }).ReadAllAsync();

        // Each item ran on the kernel thread of the worker that reports it, not on the worker's own thread or the pool's; and since no
        // call was abandoned, each worker kept one kernel thread for all of its items.
        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        Assert.All(results, r => Assert.StartsWith($"{r.Worker} kernel#", r.GetValueOrThrow(), StringComparison.Ordinal));
        Assert.All(results.GroupBy(r => r.Worker), worker => Assert.Single(worker.Select(r => r.Value).Distinct()));
    }

    [Fact]
    public async Task Map_NoHardLimit_ItemsRunOnTheirWorkersOwnThread()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .Configure(o => o.MaxLocalWorkers = 2)
            .AddKernel(ThreadKernel.Name, new ThreadKernel()));
        var inputs = Enumerable.Range(0, 500).Select(i => (long)i).ToArray();

        var results = await cluster.Client.Map<long, string>(ThreadKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        Assert.All(results, r => Assert.StartsWith($"{r.Worker}#", r.GetValueOrThrow(), StringComparison.Ordinal));
    }
}

/// <summary>Blocks on a gate that never opens when its input is 1 (ignoring its token); returns its input otherwise.</summary>
[Kernel(Name)]
public sealed class SleepingKernel : IKernel<int, int>
{
    public const string Name = "inproc-sleep";

    private static readonly ManualResetEventSlim Never = new(false);

    public int Execute(int input, CancellationToken cancellationToken)
    {
        if (input == 1)
        {
            // Blocks like a stuck native call; a background thread, so it ends with the test run.
            Never.Wait(TimeSpan.FromMinutes(5));
        }

        return input;
    }
}
