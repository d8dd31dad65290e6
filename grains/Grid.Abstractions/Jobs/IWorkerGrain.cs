namespace Grid.Jobs;

/// <summary>A stateless worker that runs a named kernel over a chunk of items, capturing each item's error on its own.</summary>
public interface IWorkerGrain : IGrain
{
    /// <summary>Runs the chunk's kernel on each of its items; never throws for a single item.</summary>
    Task<ChunkResult> RunChunkAsync(Chunk chunk, CancellationToken cancellationToken);
}
