namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>Follows a route of hop grains, one step per grain.</summary>
/// <remarks>
/// Kinds: <c>n</c> a non-reentrant grain, <c>i</c> the same grain type through its [AlwaysInterleave] method, <c>o</c> through its
/// [ReadOnly] method, <c>c</c> through its method that makes the next hop inside a call-chain reentrancy section, <c>r</c> a
/// [Reentrant] grain, <c>w</c> a [StatelessWorker], <c>p</c> a grain with a [MayInterleave] predicate.
/// </remarks>
internal static class Route
{
    public static Task<int> HopAsync(IGrainFactory grains, string[] route, int next)
    {
        if (next == route.Length)
        {
            return Task.FromResult(next);
        }

        var (kind, key) = (route[next][0], route[next][2..]);
        return kind switch
        {
            'n' => grains.GetGrain<IHopGrain>(key).HopAsync(route, next + 1),
            'i' => grains.GetGrain<IHopGrain>(key).InterleavedHopAsync(route, next + 1),
            'o' => grains.GetGrain<IHopGrain>(key).ReadOnlyHopAsync(route, next + 1),
            'c' => grains.GetGrain<IHopGrain>(key).SectionHopAsync(route, next + 1),
            'r' => grains.GetGrain<IReentrantHopGrain>(key).HopAsync(route, next + 1),
            'w' => grains.GetGrain<IWorkerHopGrain>(key).HopAsync(route, next + 1),
            'p' => grains.GetGrain<IPredicateHopGrain>(key).HopAsync(route, next + 1),
            _ => throw new ArgumentException($"Route step {route[next]} has an unknown kind.", nameof(route)),
        };
    }
}
