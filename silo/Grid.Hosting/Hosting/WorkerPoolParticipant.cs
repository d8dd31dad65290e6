using Grid.Kernels.Isolation;
using Grid.Workers;

namespace Grid.Hosting;

/// <summary>Stops the silo's pool taking chunks once the silo begins to stop, and its kernel threads and worker processes once its grains have stopped.</summary>
internal sealed class WorkerPoolParticipant(WorkerPool pool, KernelProcesses processes) : ISiloLifecycleParticipant
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The silo leaves: its pool takes no more chunks, and the chunks it holds run on until it stops.
        pool.BeginStopping();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        pool.Dispose();
        processes.Dispose();
        return Task.CompletedTask;
    }
}
