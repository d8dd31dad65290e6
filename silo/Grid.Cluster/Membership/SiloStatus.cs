namespace Grid.Cluster;

/// <summary>One live silo as the cluster sees it: its worker slots and load, from its latest heartbeat.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="ProcessId">Its process id on that host.</param>
/// <param name="State"><c>Active</c>, or <c>Leaving</c> while it shuts down.</param>
/// <param name="WorkerSlots">The most chunks it runs at once.</param>
/// <param name="BusyWorkers">Workers running a chunk.</param>
/// <param name="QueuedCalls">Calls waiting in its grains' mailboxes.</param>
/// <param name="Activations">Its live grain activations.</param>
/// <param name="Jobs">Jobs it owns.</param>
/// <param name="RunningChunks">Chunks from the shared work queue it runs now.</param>
/// <param name="Started">When it started.</param>
/// <param name="LastSeen">When its latest heartbeat arrived.</param>
/// <param name="WorkingSetBytes">Its process's working set.</param>
/// <param name="CpuSeconds">Its process's CPU time so far.</param>
/// <param name="Cores">Its machine's cores.</param>
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
