using Orleans.Placement;

namespace Grid.Workers;

/// <summary>Marks a grain class whose string key is a silo address, to be placed on that silo (<see cref="SiloBoundPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacement.Instance);
