namespace Grid.Cluster;

/// <summary>One live silo as Orleans membership lists it, with its worker slots and load as its worker pool reports them.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="ProcessId">Its process id on that host.</param>
/// <param name="State">Its Orleans membership status: <c>Active</c>, or <c>ShuttingDown</c>/<c>Stopping</c> while it leaves.</param>
/// <param name="WorkerSlots">The most chunks it runs at once.</param>
/// <param name="BusyWorkers">Workers running a chunk.</param>
/// <param name="QueuedCalls">Chunks its pool holds that wait for a free worker.</param>
/// <param name="Activations">Its live grain activations.</param>
/// <param name="Jobs">Jobs whose grain it hosts.</param>
/// <param name="RunningChunks">Chunks it runs now.</param>
/// <param name="Started">When it started.</param>
/// <param name="LastSeen">When its pool answered.</param>
/// <param name="WorkingSetBytes">Its process's working set.</param>
/// <param name="CpuSeconds">Its process's CPU time so far.</param>
/// <param name="Cores">Its machine's cores.</param>
[GenerateSerializer]
[Immutable]
public sealed record SiloStatus(
    string Name,
    string Host,
    int ProcessId,
    string State,
    int WorkerSlots,
    int BusyWorkers,
    int QueuedCalls,
    int Activations,
    int Jobs,
    int RunningChunks,
    DateTimeOffset Started,
    DateTimeOffset LastSeen,
    long WorkingSetBytes,
    double CpuSeconds,
    int Cores);
