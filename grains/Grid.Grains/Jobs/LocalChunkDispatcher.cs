namespace Grid.Jobs;

/// <summary>Sends chunks to the stateless worker pool of this silo: the dispatcher of an embedded or stand-alone silo.</summary>
internal sealed class LocalChunkDispatcher(IGrainFactory grainFactory, IGrainRuntime runtime) : IChunkDispatcher
{
    private readonly IWorkerGrain _worker = grainFactory.GetGrain<IWorkerGrain>(0);

    public int WorkerSlots => runtime.GetMaxLocalWorkers<IWorkerGrain>();

    public Task<ChunkResult> RunAsync(Chunk chunk, CancellationToken cancellationToken) => _worker.RunChunkAsync(chunk, cancellationToken);
}
