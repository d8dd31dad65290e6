using Orleans.Runtime.Placement;

namespace Grid.Workers;

/// <summary>Puts a <see cref="SiloBoundPlacement"/> grain on the silo its key names, and refuses when that silo is not in the cluster.</summary>
internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString();
        var silo = WorkerPools.SiloOf(key)
            ?? throw new GridException($"Grain {target.GrainIdentity} is placed on the silo its key names, but '{key}' is not a silo address.");
        return Array.IndexOf(context.GetCompatibleSilos(target), silo) >= 0
            ? Task.FromResult(silo)
            : throw new GridException($"Silo {silo} is not an active member of the cluster, so a grain bound to it cannot run there.");
    }
}
