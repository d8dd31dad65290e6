using Grid.Hosting.Deadlocks;
using Orleans.Concurrency;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>A grain that passes a call along a route of grains and waits for it: a route that comes back to a grain is a call cycle.</summary>
/// <remarks>A route step is <c>KIND:KEY</c>: <c>n</c> a non-reentrant grain, <c>i</c> the same through its always-interleave method, <c>r</c> a reentrant grain, <c>w</c> a stateless worker.</remarks>
public interface IHopGrain : IGrainWithStringKey
{
    Task<int> HopAsync(string[] route, int next);

    [AlwaysInterleave]
    Task<int> InterleavedHopAsync(string[] route, int next);

    /// <summary>Returns the grains of the chain this turn's calls carry, latest first.</summary>
    Task<string[]> ChainAsync();

    /// <summary>Starts a timer whose callback reports the chain it runs with to the <see cref="HopLog"/>.</summary>
    Task StartTimerAsync();
}

public interface INonReentrantHopGrain : IHopGrain;

public interface IReentrantHopGrain : IHopGrain;

public interface IWorkerHopGrain : IHopGrain;

/// <summary>Follows a route from grain to grain.</summary>
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
            'n' => grains.GetGrain<INonReentrantHopGrain>(key).HopAsync(route, next + 1),
            'i' => grains.GetGrain<INonReentrantHopGrain>(key).InterleavedHopAsync(route, next + 1),
            'r' => grains.GetGrain<IReentrantHopGrain>(key).HopAsync(route, next + 1),
            'w' => grains.GetGrain<IWorkerHopGrain>(key).HopAsync(route, next + 1),
            _ => throw new ArgumentException($"Route step {route[next]} has an unknown kind.", nameof(route)),
        };
    }

    /// <summary>Gives the keys of the chain the current turn's calls carry, latest first.</summary>
    public static string[] Chain() => RequestContext.Get(CallChainFilter.ChainKey) is string[] chain
        ? [.. chain.Reverse().Select(id => id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..])]
        : [];
}

public abstract class HopGrainBase(HopLog log) : Grain, IHopGrain
{
    private IGrainTimer? _timer;

    public Task<int> HopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<int> InterleavedHopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<string[]> ChainAsync() => Task.FromResult(Route.Chain());

    public Task StartTimerAsync()
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(
            () =>
            {
                log.TimerFired(this.GetPrimaryKeyString(), Route.Chain());
                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }
}

public sealed class NonReentrantHopGrain(HopLog log) : HopGrainBase(log), INonReentrantHopGrain;

[Reentrant]
public sealed class ReentrantHopGrain(HopLog log) : HopGrainBase(log), IReentrantHopGrain;

[StatelessWorker(2)]
public sealed class WorkerHopGrain(HopLog log) : HopGrainBase(log), IWorkerHopGrain;
