
namespace Grid.Workers;

/// <summary>Places a grain on the silo whose address is its key (<see cref="WorkerPools.KeyOf"/>): each silo's worker pool lives on that silo.</summary>
[GenerateSerializer]
[Immutable]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    /// <summary>Gets the one instance the placement attribute uses.</summary>
    internal static SiloBoundPlacement Instance { get; } = new();
}
