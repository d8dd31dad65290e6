using Grid.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>A call that closes a cycle of non-reentrant grains fails at once naming the cycle, where Orleans alone would wait 30 s; reentrant grains, interleaving methods and stateless workers are exempt.</summary>
[Trait("Category", "Fast")]
public sealed class DeadlockDetectionTests(DeadlockDetectionTests.Silo fixture) : IClassFixture<DeadlockDetectionTests.Silo>
{
    // Only a guard against a hang: a detected cycle fails at once, a missed one would wait for Orleans' response timeout.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private const string HopType = "nonreentranthop";

    [Fact]
    public async Task HopAsync_CycleOfTwoGrains_FailsNamingTheCycle()
    {
        var error = await FailAsync("n:two-a", "n:two-b", "n:two-a");

        Assert.Equal($"{HopType}/two-a -> {HopType}/two-b -> {HopType}/two-a", string.Join(" -> ", error.Cycle));
        Assert.Contains($"{HopType}/two-a -> {HopType}/two-b -> {HopType}/two-a", error.Message, StringComparison.Ordinal);
        Assert.Contains("HopAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HopAsync_CycleOfThreeGrains_FailsNamingTheCycle()
    {
        var error = await FailAsync("n:three-a", "n:three-b", "n:three-c", "n:three-a");

        Assert.Equal([$"{HopType}/three-a", $"{HopType}/three-b", $"{HopType}/three-c", $"{HopType}/three-a"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_CycleInsideALongerChain_NamesOnlyTheCycle()
    {
        var error = await FailAsync("n:inner-x", "n:inner-a", "n:inner-b", "n:inner-a");

        Assert.Equal([$"{HopType}/inner-a", $"{HopType}/inner-b", $"{HopType}/inner-a"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_GrainCallsItself_FailsNamingIt()
    {
        var error = await FailAsync("n:self", "n:self");

        Assert.Equal($"{HopType}/self -> {HopType}/self", string.Join(" -> ", error.Cycle));
    }

    [Fact]
    public async Task HopAsync_ReentrantGrainClosesTheCycle_Completes()
    {
        Assert.Equal(3, await HopAsync("r:reentrant-a", "n:reentrant-b", "r:reentrant-a"));
        Assert.Equal(4, await HopAsync("n:reentrant-c", "r:reentrant-d", "r:reentrant-d", "r:reentrant-d"));
    }

    [Fact]
    public async Task InterleavedHopAsync_AlwaysInterleaveMethodClosesTheCycle_Completes()
    {
        Assert.Equal(3, await HopAsync("n:interleave-a", "n:interleave-b", "i:interleave-a"));
        Assert.Equal(2, await HopAsync("n:interleave-self", "i:interleave-self"));
    }

    [Fact]
    public async Task HopAsync_StatelessWorkerWithAFreeActivation_Completes()
    {
        // The pool has two activations: the first waits in the chain, the second takes the call.
        Assert.Equal(2, await HopAsync("w:pool-a", "w:pool-a"));
    }

    [Fact]
    public async Task HopAsync_AfterAFailedCycle_UnrelatedCallsWork()
    {
        await FailAsync("n:after-a", "n:after-b", "n:after-a");

        // The grains of the cycle take new calls, from outside and from each other, with chains of their own.
        Assert.Equal(1, await HopAsync("n:after-a"));
        Assert.Equal(2, await HopAsync("n:after-a", "n:after-b"));
        Assert.Equal(2, await HopAsync("n:after-b", "n:after-a"));
        Assert.Equal(["after-a"], await fixture.Grains.GetGrain<INonReentrantHopGrain>("after-a").ChainAsync().WaitAsync(HangGuard));
    }

    [Fact]
    public async Task ChainAsync_CallFromOutsideAnyGrain_CarriesOnlyTheGrain()
    {
        var grain = fixture.Grains.GetGrain<INonReentrantHopGrain>("chain-root");

        Assert.Equal(["chain-root"], await grain.ChainAsync().WaitAsync(HangGuard));
        Assert.Equal(["chain-root"], await grain.ChainAsync().WaitAsync(HangGuard));
    }

    private async Task<int> HopAsync(params string[] route) => await Route.HopAsync(fixture.Grains, route, 0).WaitAsync(HangGuard);

    private async Task<DeadlockException> FailAsync(params string[] route)
        => await Assert.ThrowsAsync<DeadlockException>(() => Route.HopAsync(fixture.Grains, route, 0).WaitAsync(HangGuard));

    /// <summary>One embedded silo with the hop grains, shared by the tests of the class.</summary>
    public sealed class Silo : IAsyncLifetime
    {
        private TestCluster? _cluster;

        public HopLog Log { get; } = new();

        public IGrainFactory Grains => _cluster!.GrainFactory;

        public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(silo => silo.Services.AddSingleton(Log));

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
