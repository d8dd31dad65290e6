using Orleans.Concurrency;

namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>A non-reentrant grain that passes a call along a route of grains and waits for it: a route that comes back to a grain is a call cycle.</summary>
/// <remarks>A route step is <c>KIND:KEY</c>; <see cref="Route"/> lists the kinds. Every hop returns the route's length.</remarks>
public interface IHopGrain : IGrainWithStringKey
{
    Task<int> HopAsync(string[] route, int next);

    [AlwaysInterleave]
    Task<int> InterleavedHopAsync(string[] route, int next);

    [ReadOnly]
    Task<int> ReadOnlyHopAsync(string[] route, int next);

    /// <summary>Makes the next hop inside a call-chain reentrancy section, which lets the chain back into this grain.</summary>
    Task<int> SectionHopAsync(string[] route, int next);

    /// <summary>Returns the silo this activation lives on.</summary>
    Task<SiloAddress> WhereAsync();

    Task<int> PingAsync();

    /// <summary>Asks grain <paramref name="otherKey"/> to call this grain back after this turn has ended, from a timer or from left-behind work.</summary>
    Task AskForCallBackAsync(string otherKey, bool fromTimer);

    /// <summary>Leaves behind a call to grain <paramref name="calleeKey"/> that is made once the <see cref="HopLog"/> gate of this grain opens, and reports how it ended.</summary>
    Task CallLaterAsync(string calleeKey, bool fromTimer);
}
