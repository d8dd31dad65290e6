using Grid.Cluster;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Client.Connections;

/// <summary>Reaches the silo this client started inside its own process, through its grain factory.</summary>
internal sealed class EmbeddedConnection(Silo silo, ServiceProvider services) : IGridConnection
{
    private readonly IWorkerGrain _worker = silo.GrainFactory.GetGrain<IWorkerGrain>(0);

    public IGrainFactory GrainFactory => silo.GrainFactory;

    public IServiceProvider Services => services;

    public IJobGrain GetJob(JobSpec spec) => FetchJobs.IsFetchJob(spec.Kernel)
        ? silo.GrainFactory.GetGrain<IFetchGrain>(spec.JobId)
        : silo.GrainFactory.GetGrain<IJobGrain>(spec.JobId);

    public Task<ChunkResult> RunChunkAsync(Chunk chunk, Type outputType, CancellationToken cancellationToken) => _worker.RunChunkAsync(chunk, cancellationToken);

    public Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken) =>
        silo.GrainFactory.GetGrain<IKernelCatalogGrain>(0).GetKernelsAsync().WaitAsync(cancellationToken);

    public void CheckTypes(KernelInfo kernel, Type inputType, Type outputType) => kernel.ThrowIfIncompatible(inputType, outputType);

    public Task<IReadOnlyList<SiloStatus>> GetSilosAsync(CancellationToken cancellationToken)
    {
        var snapshot = services.GetRequiredService<SiloMonitor>().GetSnapshot();
        IReadOnlyList<SiloStatus> silos =
        [
            new SiloStatus(snapshot.Name, Environment.MachineName, Environment.ProcessId, "Active", snapshot.MaxWorkers, snapshot.BusyWorkers,
                snapshot.QueuedCalls, snapshot.Activations, services.GetRequiredService<Grid.Monitoring.JobMonitor>().GetJobs().Count(j => j.Outcome is null), 0, snapshot.Started, DateTimeOffset.UtcNow,
                snapshot.WorkingSetBytes, snapshot.CpuSeconds, snapshot.Cores),
        ];
        return Task.FromResult(silos);
    }

    public async ValueTask DisposeAsync()
    {
        await silo.DisposeAsync().ConfigureAwait(false);
        await services.DisposeAsync().ConfigureAwait(false);
    }
}
