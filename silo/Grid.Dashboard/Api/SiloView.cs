namespace Grid.Dashboard.Api;

/// <summary>One silo as the dashboard shows it: its workers, its load and its process.</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Started">When the silo started.</param>
/// <param name="UptimeSeconds">Seconds since the silo started.</param>
/// <param name="MaxWorkers">The most kernels it runs at once.</param>
/// <param name="LiveWorkers">Worker activations alive now.</param>
/// <param name="BusyWorkers">Workers running a chunk now.</param>
/// <param name="Activations">Live grain ids.</param>
/// <param name="QueuedCalls">Calls waiting in all mailboxes.</param>
/// <param name="WorkingSetBytes">The process's working set.</param>
/// <param name="CpuSeconds">The process's CPU time so far.</param>
/// <param name="CpuPercent">The process's share of all cores since the previous reading, 0 to 100.</param>
/// <param name="Cores">The machine's cores.</param>
internal sealed record SiloView(
    string Name,
    DateTimeOffset Started,
    double UptimeSeconds,
    int MaxWorkers,
    int LiveWorkers,
    int BusyWorkers,
    int Activations,
    int QueuedCalls,
    long WorkingSetBytes,
    double CpuSeconds,
    double CpuPercent,
    int Cores);
