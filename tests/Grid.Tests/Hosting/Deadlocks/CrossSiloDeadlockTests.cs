using Grid.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>A call cycle across two silos fails at once naming the cycle, since the chain travels with the calls between silos.</summary>
[Trait("Category", "Fast")]
public sealed class CrossSiloDeadlockTests
{
    [Fact]
    public async Task HopAsync_CycleOverTwoSilos_FailsAtOnceNamingTheCycle()
    {
        var log = new HopLog();
        await using var cluster = await InProcessGridCluster.StartAsync(2, silo => silo.Services.AddSingleton(log));
        var grains = cluster.Client.GrainFactory;
        var (first, second) = (cluster.Orleans.Silos[0].SiloAddress, cluster.Orleans.Silos[1].SiloAddress);
        await ActivateOnAsync(grains, "x-a", first);
        await ActivateOnAsync(grains, "x-b", second);
        var management = grains.GetGrain<IManagementGrain>(0);
        Assert.Equal(first, await management.GetActivationAddress(grains.GetGrain<INonReentrantHopGrain>("x-a")));
        Assert.Equal(second, await management.GetActivationAddress(grains.GetGrain<INonReentrantHopGrain>("x-b")));

        // Orleans alone would wait for its 30 s response timeout; the guard is shorter than that.
        var error = await Assert.ThrowsAsync<DeadlockException>(() => Route.HopAsync(grains, ["n:x-a", "n:x-b", "n:x-a"], 0).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(["nonreentranthop/x-a", "nonreentranthop/x-b", "nonreentranthop/x-a"], error.Cycle);
    }

    private static async Task ActivateOnAsync(IGrainFactory grains, string key, SiloAddress silo)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await grains.GetGrain<INonReentrantHopGrain>(key).ChainAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
