using System.Diagnostics;
using Grid.Kernels.Isolation;
using Grid.TestingHost;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Isolation;

/// <summary>Worker processes start lazily and never outlive their silo.</summary>
[Trait("Category", "Process")]
public sealed class WorkerProcessLifetimeTests
{
    [Fact]
    public async Task DisposeSilo_WithWorkerProcesses_KillsThem()
    {
        var cluster = await TestCluster.StartAsync(silo => silo.Configure(o => o.MaxLocalWorkers = 2).AddKernel<ProcessIdKernel>());
        var processes = (KernelProcesses)cluster.Services.GetService(typeof(KernelProcesses))!;
        Assert.Empty(processes.LiveProcessIds);

        var results = await cluster.Client.Map<long, int>(ProcessIdKernel.Name, Enumerable.Range(0, 100).Select(i => (long)i)).ReadAllAsync();
        var workers = results.Select(r => r.GetValueOrThrow()).Distinct().Select(Process.GetProcessById).ToArray();
        await cluster.DisposeAsync();

        foreach (var worker in workers)
        {
            using (worker)
            {
                Assert.True(worker.WaitForExit(TestLimits.Hang), $"Worker process {worker.Id} outlived its silo.");
            }
        }
    }

    [Fact]
    public async Task Discard_SameProcessFromTwoThreadsAtOnce_KillsItAndItsHolderSeesItDiscarded()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo.AddKernel<ProcessIdKernel>());
        var processes = (KernelProcesses)cluster.Services.GetService(typeof(KernelProcesses))!;
        var process = processes.Start("test/worker-1");
        using var os = Process.GetProcessById(process.Id);

        // A worker and the silo's shutdown discard the same process at the same moment.
        using var together = new Barrier(2);
        var discards = Enumerable.Range(0, 2)
            .Select(_ => Task.Factory.StartNew(() => { together.SignalAndWait(); processes.Discard(process); }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        await Task.WhenAll(discards).WaitAsync(TestLimits.Hang);

        Assert.DoesNotContain(process.Id, processes.LiveProcessIds);
        Assert.True(os.WaitForExit(TestLimits.Hang), $"Worker process {process.Id} outlived its discard.");

        // The worker that still holds it once it is disposed: a send fails as a gone process's does, and its exit is described, not thrown.
        process.Dispose();
        Assert.Throws<IOException>(() => process.Send(KernelFrames.Cancel, []));
        Assert.Equal("the process was discarded as the silo stopped", process.DescribeExit());
    }
}
