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
}
