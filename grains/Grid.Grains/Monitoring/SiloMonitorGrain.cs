using Grid.Workers;
using Orleans.GrainDirectory;

namespace Grid.Monitoring;

/// <summary>Serves the <see cref="JobMonitor"/> of the silo it lives on to dashboards on other silos; it keeps nothing itself.</summary>
/// <remarks>Placed like the worker pools, on the silo its key names; reentrant and lock-free on its side, since each read is one short copy under the monitor's lock.</remarks>
[SiloBoundPlacement]
[GrainDirectory(GrainDirectoryName = WorkerPools.DirectoryName)]
[Reentrant]
internal sealed class SiloMonitorGrain(JobMonitor monitor, IGridSilo silo) : Grain, ISiloMonitorGrain
{
    public Task<SiloActivity> GetActivityAsync(int seconds) => Task.FromResult(monitor.GetActivity(silo.SiloName, seconds));

    public Task<JobDetail?> GetJobAsync(Guid jobId) => Task.FromResult(monitor.GetJob(jobId));
}
