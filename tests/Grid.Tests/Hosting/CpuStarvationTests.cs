using Grid.Client;
using Grid.Kernels;
using Grid.TestingHost;
using Grid.Tests.Hosting.TestGrains;

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

        // Every worker now spins for up to 10 s without yielding; a call to another grain must not wait for them.
        await cluster.GrainFactory.GetGrain<ICounterGrain>("starved?").IncrementAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var stillSpinning = spin.Running;
        spin.Release();

        Assert.Equal(workers, stillSpinning);
        Assert.Equal(0, await results.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Spins on the CPU without looking at its token, for 10 s or until released; returns whether it ran on a thread-pool thread.</summary>
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
            var until = Environment.TickCount64 + 10_000;
            while (!_released && Environment.TickCount64 < until)
            {
                Thread.SpinWait(1000);
            }

            Interlocked.Decrement(ref _running);
            return Thread.CurrentThread.IsThreadPoolThread;
        }
    }
}
