using Grid.Kernels.Isolation;

namespace Grid.Runtime.Hosting;

/// <summary>Kills the silo's worker processes when it stops, after its grains (each of which kills its own) have stopped.</summary>
internal sealed class KernelProcessesParticipant(KernelProcesses processes) : ISiloLifecycleParticipant
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        processes.Dispose();
        return Task.CompletedTask;
    }
}
