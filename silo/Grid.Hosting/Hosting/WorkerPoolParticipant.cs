using Grid.Kernels.Isolation;
using Grid.Workers;

namespace Grid.Hosting;

/// <summary>Stops the silo's kernel threads and kills its worker processes once the silo's grains have stopped.</summary>
internal sealed class WorkerPoolParticipant(WorkerPool pool, KernelProcesses processes) : ISiloLifecycleParticipant
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        pool.Dispose();
        processes.Dispose();
        return Task.CompletedTask;
    }
}
