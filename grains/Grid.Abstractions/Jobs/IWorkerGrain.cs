namespace Grid.Jobs;

/// <summary>Runs one chunk on the worker pool of the silo it is called on: the path of a single submitted item.</summary>
/// <remarks>A stateless worker, so a client's call runs on its gateway's silo and a silo's call on that silo.</remarks>
public interface IWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the chunk's kernel on each of its items on a free worker of this silo; never throws for a single item.</summary>
    Task<ChunkResult> RunChunkAsync(Chunk chunk, CancellationToken cancellationToken);
}
