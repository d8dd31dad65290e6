namespace Grid.Jobs;

/// <summary>How much of a job one worker ran: chunks, items and the time it was busy.</summary>
/// <param name="Worker">The worker's name.</param>
/// <param name="Chunks">The chunks it ran.</param>
/// <param name="Items">The items it ran.</param>
/// <param name="Busy">The time it spent running them.</param>
[GenerateSerializer]
[Immutable]
public sealed record WorkerUsage(string Worker, long Chunks, long Items, TimeSpan Busy);
