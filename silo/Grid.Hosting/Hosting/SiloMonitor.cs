using System.Diagnostics;
using Grid.Workers;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>Reads the silo's own state (workers, queued chunks, process) for the dashboard and the metrics.</summary>
public sealed class SiloMonitor
{
    private readonly WorkerPool _pool;
    private readonly SiloOptions _options;
    private readonly DateTimeOffset _started;

    internal SiloMonitor(WorkerPool pool, IOptions<SiloOptions> options, TimeProvider timeProvider)
    {
        _pool = pool;
        _options = options.Value;
        _started = timeProvider.GetUtcNow();
    }

    /// <summary>Gets the silo's state now.</summary>
    public SiloSnapshot GetSnapshot()
    {
        using var process = Process.GetCurrentProcess();
        return new SiloSnapshot(
            _options.Name,
            _started,
            _pool.Workers,
            _pool.Workers,
            _pool.Busy,
            0,
            _pool.Queued,
            process.WorkingSet64,
            process.TotalProcessorTime.TotalSeconds,
            Environment.ProcessorCount);
    }
}
