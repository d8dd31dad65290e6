using Grid.Client;
using Grid.Kernels;
using Grid.TestingHost;
using Grid.Tests.Hosting.TestGrains;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Hosting;

[Trait("Category", "Fast")]
public sealed class CpuStarvationTests
{
    [Fact]
    public async Task IncrementAsync_EveryWorkerBusyWithALongKernel_CompletesWhileTheKernelsStillRun()
    {
        var probe = new Probe();
        var spin = new SpinKernel(probe);
        await using var cluster = await TestCluster.StartAsync(silo => silo.AddKernel("spin", spin));
        var workers = Environment.ProcessorCount;

        var job = cluster.Client.Map<int, bool>("spin", Enumerable.Range(0, workers));
        var results = Task.Run(async () =>
        {
            var onPoolThreads = 0;
            await foreach (var result in job)
            {
                onPoolThreads += result.Value ? 1 : 0;
            }

            return onPoolThreads;
        });
        for (var i = 1; i <= workers; i++)
        {
            await probe.WhenSignalled($"spinning-{i}");
        }

        // Every worker now spins without yielding until the test releases it; a call to another grain must not wait for them.
        int stillSpinning;
        try
        {
            await cluster.GrainFactory.GetGrain<ICounterGrain>("starved?").IncrementAsync().WaitAsync(TestLimits.Hang);
            stillSpinning = spin.Running;
        }
        finally
        {
            spin.Release();
        }

        Assert.Equal(workers, stillSpinning);
        Assert.Equal(0, await results.WaitAsync(TestLimits.Hang));
    }

    /// <summary>Spins on the CPU without looking at its token until released (or, should the test never release it, for the hang
    /// limit); returns whether it ran on a thread-pool thread.</summary>
    private sealed class SpinKernel(Probe probe) : IKernel<int, bool>
    {
        private volatile bool _released;
        private int _running;

        public int Running => Volatile.Read(ref _running);

        public void Release() => _released = true;

        public bool Execute(int input, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _running);
            probe.Signal($"spinning-{probe.Increment("spinning")}");
            var until = Environment.TickCount64 + (long)TestLimits.Hang.TotalMilliseconds;
            while (!_released && Environment.TickCount64 < until)
            {
                Thread.SpinWait(1000);
            }

            Interlocked.Decrement(ref _running);
            return Thread.CurrentThread.IsThreadPoolThread;
        }
    }
}
