namespace Grid.Jobs;

/// <summary>Where a job grain sends its chunks: this silo's worker pool, or the cluster's shared work queue.</summary>
internal interface IChunkDispatcher
{
    /// <summary>Gets how many workers can run this job's chunks at once; the job keeps about twice this many chunks out.</summary>
    int WorkerSlots { get; }

    /// <summary>Runs the chunk on a worker and returns its result; throws only when the chunk could not be run at all.</summary>
    Task<ChunkResult> RunAsync(Chunk chunk, CancellationToken cancellationToken);
}
