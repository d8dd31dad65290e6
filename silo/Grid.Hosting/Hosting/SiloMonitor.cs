using System.Diagnostics;
using Grid.Jobs;
using Grid.Runtime.Activation;
using Microsoft.Extensions.Options;

namespace Grid.Runtime.Hosting;

/// <summary>Reads the silo's own state (workers, mailboxes, process) for the dashboard and the metrics.</summary>
public sealed class SiloMonitor
{
    private readonly Catalog _catalog;
    private readonly SiloOptions _options;
    private readonly DateTimeOffset _started;

    internal SiloMonitor(Catalog catalog, IOptions<SiloOptions> options, TimeProvider timeProvider)
    {
        _catalog = catalog;
        _options = options.Value;
        _started = timeProvider.GetUtcNow();
    }

    /// <summary>Gets the silo's state now.</summary>
    public SiloSnapshot GetSnapshot()
    {
        var pool = _catalog.FindPool<IWorkerGrain>("0");
        var live = pool?.Count ?? 0;
        var (targets, queued) = _catalog.CountQueued();
        using var process = Process.GetCurrentProcess();
        return new SiloSnapshot(
            _options.Name,
            _started,
            pool?.MaxWorkers ?? _options.MaxLocalWorkers,
            live,
            Math.Max(0, live - (pool?.Idle ?? 0)),
            targets,
            queued,
            process.WorkingSet64,
            process.TotalProcessorTime.TotalSeconds,
            Environment.ProcessorCount);
    }
}
