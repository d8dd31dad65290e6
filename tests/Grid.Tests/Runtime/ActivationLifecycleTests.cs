using Grid.Hosting;
using Grid.Tests.Runtime.TestGrains;

namespace Grid.Tests.Runtime;

public sealed class ActivationLifecycleTests
{
    [Fact]
    public async Task RememberAsync_AfterDeactivateOnIdle_NextCallMakesAFreshActivation()
    {
        var probe = new Probe();
        await using var cluster = await RuntimeCluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("on-idle");

        Assert.Equal(0, await grain.RememberAsync(7));
        Assert.Equal(7, await grain.RememberAsync(8));
        Assert.Equal(1, probe.Count("activated-on-idle"));

        await grain.DeactivateAsync();
        await probe.WhenSignalled("deactivated-on-idle-1");

        Assert.Equal(0, await grain.RememberAsync(9));
        Assert.Equal(2, probe.Count("activated-on-idle"));
    }

    [Fact]
    public async Task RememberAsync_IdleLongerThanIdleTimeout_IsCollected()
    {
        var probe = new Probe();
        await using var cluster = await RuntimeCluster.StartAsync(probe, silo => silo.Configure(o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(50);
            o.CollectionInterval = TimeSpan.FromMilliseconds(20);
        }));
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("collected");

        await grain.RememberAsync(1);
        await probe.WhenSignalled("deactivated-collected-1");

        Assert.Equal(0, await grain.RememberAsync(2));
        Assert.Equal(2, probe.Count("activated-collected"));
    }

    [Fact]
    public async Task RememberAsync_ActivationThrows_CallFailsNamingTheGrainAndSiloKeepsServing()
    {
        var probe = new Probe();
        await using var cluster = await RuntimeCluster.StartAsync(probe);

        var error = await Assert.ThrowsAsync<GridException>(() => cluster.GrainFactory.GetGrain<ILifecycleGrain>("fails").RememberAsync(1));

        Assert.Contains("fails", error.Message, StringComparison.Ordinal);
        Assert.Contains("activation refused", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await cluster.GrainFactory.GetGrain<ILifecycleGrain>("fine").RememberAsync(1));
    }

    [Fact]
    public async Task StopAsync_ThenCall_FailsNamingTheStoppedSilo()
    {
        var probe = new Probe();
        var cluster = await RuntimeCluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("stopping");
        await grain.RememberAsync(1);
        var silo = (Silo)cluster.Services.GetService(typeof(Silo))!;

        await silo.StopAsync(CancellationToken.None);

        await probe.WhenSignalled("deactivated-stopping-1");
        var error = await Assert.ThrowsAsync<GridException>(() => grain.RememberAsync(2));
        Assert.Contains("stopping", error.Message, StringComparison.Ordinal);
        await cluster.DisposeAsync();
    }
}
