namespace Grid.Monitoring;

/// <summary>Items that finished on this silo during one second.</summary>
/// <param name="Second">The start of the second.</param>
/// <param name="Items">Items finished in it, of any status.</param>
/// <param name="Failed">Those that did not succeed.</param>
[GenerateSerializer]
[Immutable]
public sealed record ThroughputPoint(DateTimeOffset Second, long Items, long Failed);
