using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Workers;

/// <summary>A stateless worker on its own silo thread: runs a named kernel over a chunk and reports each item's value or error.</summary>
[StatelessWorker]
[CpuBound]
internal sealed class WorkerGrain(KernelRegistry kernels, TimeProvider timeProvider) : Grain, IWorkerGrain
{
    public Task<ChunkResult> RunChunkAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var runner = kernels.Get(chunk.Kernel);
        return Task.FromResult(runner.Run(chunk, ActivationName, timeProvider, cancellationToken));
    }
}
