using Grid.Tests.Hosting.Deadlocks.TestGrains;
using Orleans.Runtime.Placement;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>Call cycles of grains on two silos fail at once naming the cycle; calls that would not wait (reentrant, interleaving, read-only, stateless, left behind) go through.</summary>
[Collection(DeadlockClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class DeadlockDetectionTests(DeadlockCluster fixture)
{
    // Only a guard against a hang: a detected cycle fails at once, a missed one waits for Orleans' 30 s response timeout.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    // How Orleans names the hop grain types in grain ids: the class name, lower case, without "Grain".
    private const string Hop = "hop";

    [Fact]
    public async Task HopAsync_CycleOfTwoGrains_FailsNamingTheCycle()
    {
        var error = await FailAsync("n:two-a", "n:two-b", "n:two-a");

        Assert.Equal([$"{Hop}/two-a", $"{Hop}/two-b", $"{Hop}/two-a"], error.Cycle);
        Assert.Contains($"grain call cycle {Hop}/two-a -> {Hop}/two-b -> {Hop}/two-a", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Call to IHopGrain.HopAsync would deadlock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HopAsync_CycleOfThreeGrains_FailsNamingTheCycle()
    {
        var error = await FailAsync("n:three-a", "n:three-b", "n:three-c", "n:three-a");

        Assert.Equal([$"{Hop}/three-a", $"{Hop}/three-b", $"{Hop}/three-c", $"{Hop}/three-a"], error.Cycle);
        Assert.Contains($"{Hop}/three-a -> {Hop}/three-b -> {Hop}/three-c -> {Hop}/three-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HopAsync_CycleInsideALongerChain_NamesOnlyTheCycle()
    {
        var error = await FailAsync("n:inner-x", "n:inner-a", "n:inner-b", "n:inner-a");

        Assert.Equal([$"{Hop}/inner-a", $"{Hop}/inner-b", $"{Hop}/inner-a"], error.Cycle);
        Assert.DoesNotContain("inner-x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HopAsync_GrainCallsItself_FailsNamingIt()
    {
        var error = await FailAsync("n:self", "n:self");

        Assert.Equal([$"{Hop}/self", $"{Hop}/self"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_KeysThatLookLikeChainLinks_NamesThemExactly()
    {
        // The chain writes each link as a mark, a length and a colon: keys made of those must still be read as whole keys.
        var error = await FailAsync("n:x5:k/1", "n:x5:k", "n:k:12", "n:x5:k");

        Assert.Equal([$"{Hop}/x5:k", $"{Hop}/k:12", $"{Hop}/x5:k"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_KeyLongerThanTheStackBuffer_FailsNamingTheCycle()
    {
        var key = new string('k', 600);

        var error = await FailAsync($"n:{key}", "n:long-b", $"n:{key}");

        Assert.Equal([$"{Hop}/{key}", $"{Hop}/long-b", $"{Hop}/{key}"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_ReentrantGrainClosesTheCycle_Completes()
    {
        Assert.Equal(3, await HopAsync("r:reentrant-a", "n:reentrant-b", "r:reentrant-a"));
        Assert.Equal(4, await HopAsync("n:reentrant-c", "r:reentrant-d", "r:reentrant-d", "r:reentrant-d"));
    }

    [Fact]
    public async Task HopAsync_CycleThroughAReentrantGrainBackToANonReentrantOne_FailsNamingTheReentrantGrain()
    {
        var error = await FailAsync("n:through-a", "r:through-r", "n:through-a");

        Assert.Equal([$"{Hop}/through-a", "reentranthop/through-r", $"{Hop}/through-a"], error.Cycle);
    }

    [Fact]
    public async Task InterleavedHopAsync_AlwaysInterleaveMethodClosesTheCycle_Completes()
    {
        Assert.Equal(3, await HopAsync("n:interleave-a", "n:interleave-b", "i:interleave-a"));
        Assert.Equal(2, await HopAsync("n:interleave-self", "i:interleave-self"));
    }

    [Fact]
    public async Task HopAsync_CycleBackToAGrainWaitingInAnAlwaysInterleaveTurn_Completes()
    {
        // The interleaved turn keeps nothing out of its grain, so the call back runs beside it.
        Assert.Equal(3, await HopAsync("i:open-a", "n:open-b", "n:open-a"));
    }

    [Fact]
    public async Task ReadOnlyHopAsync_ReadOnlyCallBackToAReadOnlyTurn_Completes()
    {
        Assert.Equal(3, await HopAsync("o:read-a", "n:read-b", "o:read-a"));
    }

    [Fact]
    public async Task HopAsync_WritingCallBackToAReadOnlyTurn_Fails()
    {
        var error = await FailAsync("o:read-c", "n:read-d", "n:read-c");

        Assert.Equal([$"{Hop}/read-c", $"{Hop}/read-d", $"{Hop}/read-c"], error.Cycle);
    }

    [Fact]
    public async Task HopAsync_StatelessWorkerCallsItself_Completes()
    {
        // The pool has two activations: the first waits in the chain, the second takes the call.
        Assert.Equal(2, await HopAsync("w:pool-a", "w:pool-a"));
    }

    [Fact]
    public async Task HopAsync_MayInterleavePredicateLetsTheCycleIn_Completes()
    {
        Assert.Equal(3, await HopAsync("p:predicate-a", "n:predicate-b", "p:predicate-a"));
    }

    [Fact]
    public async Task SectionHopAsync_CycleInsideACallChainReentrancySection_Completes()
    {
        Assert.Equal(3, await HopAsync("c:section-a", "n:section-b", "n:section-a"));
    }

    [Fact]
    public async Task HopAsync_ChainWithoutACycle_Completes()
    {
        Assert.Equal(4, await HopAsync("n:line-a", "n:line-b", "n:line-c", "n:line-d"));
    }

    [Fact]
    public async Task HopAsync_AfterADetectedCycle_NewCallsWork()
    {
        await FailAsync("n:after-a", "n:after-b", "n:after-a");

        // The grains of the cycle take new calls, from outside and from each other, with chains of their own.
        Assert.Equal(1, await HopAsync("n:after-a"));
        Assert.Equal(2, await HopAsync("n:after-a", "n:after-b"));
        Assert.Equal(2, await HopAsync("n:after-b", "n:after-a"));
    }

    [Fact]
    public async Task CallLaterAsync_LeftBehindWorkCallsBackAfterTheTurnEnded_IsNotReported()
    {
        // bg-a's turn was called by bg-x, so the work it leaves behind inherits the chain bg-x -> bg-a; once both turns have
        // ended, its call to bg-x waits for nothing.
        await fixture.Grains.GetGrain<IHopGrain>("bg-x").AskForCallBackAsync("bg-a", fromTimer: false).WaitAsync(HangGuard);
        fixture.Log.Open("bg-a");

        Assert.Equal("ok", await fixture.Log.WhenReported("bg-a").WaitAsync(HangGuard));
    }

    [Fact]
    public async Task CallLaterAsync_TimerTickCallsBackTheGrainThatRegisteredIt_IsNotReported()
    {
        await fixture.Grains.GetGrain<IHopGrain>("tick-x").AskForCallBackAsync("tick-a", fromTimer: true).WaitAsync(HangGuard);
        fixture.Log.Open("tick-a");

        Assert.Equal("ok", await fixture.Log.WhenReported("tick-a").WaitAsync(HangGuard));
    }

    [Fact]
    public async Task HopAsync_CycleAcrossTwoSilos_FailsAtOnceWithTheCycleIntact()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress).ToArray();
        var a = fixture.Grains.GetGrain<IHopGrain>("silos-a");
        var b = fixture.Grains.GetGrain<IHopGrain>("silos-b");
        Assert.Equal(silos[0], await ActivateOnAsync(a, silos[0]));
        Assert.Equal(silos[1], await ActivateOnAsync(b, silos[1]));

        // b's silo finds the cycle; the exception then crosses to a's silo and on to the client.
        var error = await FailAsync("n:silos-a", "n:silos-b", "n:silos-a");

        Assert.Equal([$"{Hop}/silos-a", $"{Hop}/silos-b", $"{Hop}/silos-a"], error.Cycle);
        Assert.Contains($"{Hop}/silos-a -> {Hop}/silos-b -> {Hop}/silos-a", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(await a.WhereAsync(), await b.WhereAsync());
    }

    private static async Task<SiloAddress> ActivateOnAsync(IHopGrain grain, SiloAddress silo)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await grain.WhereAsync().WaitAsync(HangGuard);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private async Task<int> HopAsync(params string[] route) => await Route.HopAsync(fixture.Grains, route, 0).WaitAsync(HangGuard);

    private async Task<DeadlockException> FailAsync(params string[] route)
        => await Assert.ThrowsAsync<DeadlockException>(() => Route.HopAsync(fixture.Grains, route, 0).WaitAsync(HangGuard));
}
