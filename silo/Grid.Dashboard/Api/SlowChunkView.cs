namespace Grid.Dashboard.Api;

/// <summary>One chunk a job's diagnosis names: how long it ran against the job's median chunk.</summary>
/// <param name="ChunkId">The chunk's number within the job.</param>
/// <param name="Worker">The worker that ran it.</param>
/// <param name="StartIndex">The index of its first item.</param>
/// <param name="Items">Its items.</param>
/// <param name="RunMs">How long it ran, in milliseconds.</param>
/// <param name="TimesMedian">Its run time over the median chunk's (0 when the median is 0).</param>
internal sealed record SlowChunkView(long ChunkId, string Worker, long StartIndex, int Items, double RunMs, double TimesMedian);
