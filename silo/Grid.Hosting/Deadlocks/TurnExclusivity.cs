using System.Collections.Concurrent;
using System.Collections.Immutable;
using Orleans.Metadata;

namespace Grid.Hosting.Deadlocks;

/// <summary>Tells, per grain type, whether a call can wait behind a running turn of that grain, learnt once from the cluster's grain properties.</summary>
internal sealed class TurnExclusivity(GrainPropertiesResolver properties)
{
    // How the placement of a [StatelessWorker] is named in its grain properties (its strategy's type name; the type is internal).
    private const string StatelessWorkerPlacement = "StatelessWorkerPlacement";

    private readonly ConcurrentDictionary<GrainType, bool> _known = new();

    /// <summary>Returns whether a turn of a grain of <paramref name="type"/> keeps calls waiting until it ends.</summary>
    /// <remarks>
    /// Not so for a [Reentrant] grain, a grain with a [MayInterleave] predicate (which may let the call in; only the grain can
    /// tell), and a [StatelessWorker] (another activation may take the call). A type the cluster manifest does not know yet is
    /// answered as not holding, and not remembered, so that a missing manifest can hide a deadlock but never invent one.
    /// </remarks>
    public bool HoldsCalls(GrainType type)
    {
        if (_known.TryGetValue(type, out var holds))
        {
            return holds;
        }

        if (!properties.TryGetGrainProperties(type, out var grain))
        {
            return false;
        }

        holds = HoldsCalls(grain.Properties);
        _known.TryAdd(type, holds);
        return holds;
    }

    private static bool HoldsCalls(ImmutableDictionary<string, string> properties)
        => !(properties.TryGetValue(WellKnownGrainTypeProperties.Reentrant, out var reentrant) && bool.TryParse(reentrant, out var isReentrant) && isReentrant)
            && !properties.ContainsKey(WellKnownGrainTypeProperties.MayInterleavePredicate)
            && !(properties.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var placement) && placement == StatelessWorkerPlacement);
}
