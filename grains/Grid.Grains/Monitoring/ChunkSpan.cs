namespace Grid.Monitoring;

/// <summary>One chunk on a job's time line: which worker ran it, when it was sent, began and ended, and how its items fared.</summary>
/// <param name="ChunkId">The chunk's number within the job.</param>
/// <param name="Worker">The worker that ran it.</param>
/// <param name="StartIndex">The index of its first item.</param>
/// <param name="Items">Its items.</param>
/// <param name="Failed">Its items that did not succeed.</param>
/// <param name="Dispatched">When the job sent it.</param>
/// <param name="Started">When the worker began it.</param>
/// <param name="Ended">When the worker finished it.</param>
[GenerateSerializer]
[Immutable]
public sealed record ChunkSpan(long ChunkId, string Worker, long StartIndex, int Items, int Failed, DateTimeOffset Dispatched, DateTimeOffset Started, DateTimeOffset Ended)
{
    /// <summary>Gets the time the chunk waited for a worker.</summary>
    public TimeSpan QueueWait => Started > Dispatched ? Started - Dispatched : TimeSpan.Zero;
}
