namespace Grid.Dashboard.Api;

/// <summary>One worker's lane in a job's trace: the chunks and items it ran and how long it was busy.</summary>
/// <param name="Worker">The worker's name.</param>
/// <param name="Chunks">The chunks it ran.</param>
/// <param name="Items">The items it ran.</param>
/// <param name="BusyMs">Milliseconds it spent running them.</param>
/// <param name="Silo">The silo the worker belongs to.</param>
internal sealed record WorkerLaneView(string Worker, long Chunks, long Items, double BusyMs, string Silo);
