namespace Grid.Hosting;

/// <summary>What the dashboard shows of one silo: its workers, its load and its process, at one moment.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Started">When the silo started.</param>
/// <param name="MaxWorkers">The most kernels it runs at once.</param>
/// <param name="LiveWorkers">Kernel threads of its worker pool.</param>
/// <param name="BusyWorkers">Workers running a chunk now.</param>
/// <param name="Activations">Live grain activations, where known (0 otherwise).</param>
/// <param name="QueuedCalls">Chunks waiting for a free worker.</param>
/// <param name="WorkingSetBytes">The process's working set.</param>
/// <param name="CpuSeconds">The process's CPU time so far.</param>
/// <param name="Cores">The machine's cores.</param>
public sealed record SiloSnapshot(
    string Name,
    DateTimeOffset Started,
    int MaxWorkers,
    int LiveWorkers,
    int BusyWorkers,
    int Activations,
    int QueuedCalls,
    long WorkingSetBytes,
    double CpuSeconds,
    int Cores);
