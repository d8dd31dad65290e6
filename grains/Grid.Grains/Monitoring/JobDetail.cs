namespace Grid.Monitoring;

/// <summary>A job with its chunk time line, for the dashboard's per-job trace view.</summary>
/// <param name="Job">The job's snapshot.</param>
/// <param name="Chunks">Its chunks in the order they finished (the first <see cref="JobMonitor.MaxChunksPerJob"/> only).</param>
/// <param name="ChunksDropped">Chunks finished beyond that limit, counted but not kept.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobDetail(JobSnapshot Job, ChunkSpan[] Chunks, long ChunksDropped);
