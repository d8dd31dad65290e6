namespace Grid.Dashboard.Api;

/// <summary>Items that finished on the silo during one second.</summary>
/// <param name="Time">The start of the second, in Unix milliseconds.</param>
/// <param name="Items">Items finished in it, of any status.</param>
/// <param name="Failed">Those that did not succeed.</param>
internal sealed record ThroughputPointView(long Time, long Items, long Failed);
