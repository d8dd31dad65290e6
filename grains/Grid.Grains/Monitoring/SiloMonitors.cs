using Grid.Workers;

namespace Grid.Monitoring;

/// <summary>Names the monitor grain of a silo: keyed, like its worker pool, by the silo's address.</summary>
public static class SiloMonitors
{
    /// <summary>Returns the monitor grain of <paramref name="silo"/>.</summary>
    public static ISiloMonitorGrain Of(IGrainFactory grains, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<ISiloMonitorGrain>(WorkerPools.KeyOf(silo));
    }
}
