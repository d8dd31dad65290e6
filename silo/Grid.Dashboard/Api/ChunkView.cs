namespace Grid.Dashboard.Api;

/// <summary>One chunk bar of a job's trace waterfall; times are milliseconds since the job started.</summary>
/// <param name="ChunkId">The chunk's number within the job.</param>
/// <param name="Worker">The worker that ran it.</param>
/// <param name="StartIndex">The index of its first item.</param>
/// <param name="Items">Its items.</param>
/// <param name="Failed">Its items that did not succeed.</param>
/// <param name="DispatchedMs">When the job sent it.</param>
/// <param name="StartedMs">When the worker began it.</param>
/// <param name="EndedMs">When the worker finished it.</param>
/// <param name="QueueWaitMs">How long it waited for a worker.</param>
internal sealed record ChunkView(long ChunkId, string Worker, long StartIndex, int Items, int Failed, double DispatchedMs, double StartedMs, double EndedMs, double QueueWaitMs);
