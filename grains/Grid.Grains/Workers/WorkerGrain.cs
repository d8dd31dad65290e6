using Grid.Jobs;

namespace Grid.Workers;

/// <summary>Runs a single chunk (a submitted item) on the worker pool of the silo it is called on; its turn only awaits the kernel thread.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class WorkerGrain(WorkerPool pool) : Grain, IWorkerGrain
{
    public Task<ChunkResult> RunChunkAsync(Chunk chunk, CancellationToken cancellationToken) => pool.RunSubmitAsync(chunk, cancellationToken);
}
