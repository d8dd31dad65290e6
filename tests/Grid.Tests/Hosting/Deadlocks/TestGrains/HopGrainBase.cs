namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>What every hop grain does, whatever its concurrency: follow the route, say where it lives, call back later.</summary>
public abstract class HopGrainBase(HopLog log, ILocalSiloDetails silo) : Grain
{
    private IGrainTimer? _timer;

    public Task<int> HopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<int> InterleavedHopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<int> ReadOnlyHopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public async Task<int> SectionHopAsync(string[] route, int next)
    {
        using var section = RequestContext.AllowCallChainReentrancy();
        return await Route.HopAsync(GrainFactory, route, next);
    }

    public Task<SiloAddress> WhereAsync() => Task.FromResult(silo.SiloAddress);

    public Task<int> PingAsync() => Task.FromResult(1);

    public Task AskForCallBackAsync(string otherKey, bool fromTimer)
        => GrainFactory.GetGrain<IHopGrain>(otherKey).CallLaterAsync(this.GetPrimaryKeyString(), fromTimer);

    public Task CallLaterAsync(string calleeKey, bool fromTimer)
    {
        var key = this.GetPrimaryKeyString();
        if (fromTimer)
        {
            _timer?.Dispose();
            _timer = this.RegisterGrainTimer(() => CallWhenOpenedAsync(key, calleeKey), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            // Left behind on purpose: the call is made after this turn has ended, on this activation's scheduler.
            _ = CallWhenOpenedAsync(key, calleeKey);
        }

        return Task.CompletedTask;
    }

    private async Task CallWhenOpenedAsync(string key, string calleeKey)
    {
        await log.WhenOpened(key);
        try
        {
            await GrainFactory.GetGrain<IHopGrain>(calleeKey).PingAsync();
            log.Report(key, "ok");
        }
        catch (Exception exception)
        {
            // Reported to the test, which asserts on it.
            log.Report(key, exception.GetType().Name);
        }
    }
}
