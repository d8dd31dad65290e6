using Grid.Jobs;

namespace Grid.Workers;

/// <summary>The side of a map job that the silos' worker pools pull from: chunks out as workers free up, results back once each.</summary>
public interface IChunkSource : IGrainWithGuidKey
{
    /// <summary>Takes up to <paramref name="max"/> chunks for the pool of <paramref name="silo"/>, which has <paramref name="slots"/> workers; none when the job has nothing to hand out now (it then offers again when it has).</summary>
    Task<Immutable<Chunk[]>> TakeChunksAsync(string silo, int slots, int max);

    /// <summary>Hands back the results of chunks the pool of <paramref name="silo"/> ran; a result of a chunk the job has already settled elsewhere is dropped.</summary>
    Task CompleteChunksAsync(string silo, Immutable<ChunkResult[]> results);
}
