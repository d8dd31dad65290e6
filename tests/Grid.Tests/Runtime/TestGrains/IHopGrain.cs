using Grid.Runtime.Messaging;

namespace Grid.Tests.Runtime.TestGrains;

/// <summary>A grain that passes a call along a route of grains and waits for it: a route that comes back to a grain is a call cycle.</summary>
/// <remarks>A route step is <c>KIND:KEY</c>: <c>n</c> a non-reentrant grain, <c>i</c> the same through its always-interleave method, <c>r</c> a reentrant grain, <c>w</c> a stateless worker of two activations.</remarks>
public interface IHopGrain : IGrain
{
    Task<int> HopAsync(string[] route, int next);

    [AlwaysInterleave]
    Task<int> InterleavedHopAsync(string[] route, int next);

    /// <summary>Returns the grains of the chain this turn's calls carry, latest first.</summary>
    Task<string[]> ChainAsync();

    /// <summary>Starts a timer whose callback reports the chain it runs with to the <see cref="HopLog"/>.</summary>
    Task StartTimerAsync();
}

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
            'n' => grains.GetGrain<IHopGrain>(key).HopAsync(route, next + 1),
            'i' => grains.GetGrain<IHopGrain>(key).InterleavedHopAsync(route, next + 1),
            'r' => grains.GetGrain<IReentrantHopGrain>(key).HopAsync(route, next + 1),
            'w' => grains.GetGrain<IWorkerHopGrain>(key).HopAsync(route, next + 1),
            _ => throw new ArgumentException($"Route step {route[next]} has an unknown kind.", nameof(route)),
        };
    }

    public static string[] Describe(CallChain? chain)
    {
        var grains = new List<string>();
        for (var link = chain; link is not null; link = link.Caller)
        {
            grains.Add(link.Grain.Key);
        }

        return [.. grains];
    }
}

public class HopGrain(HopLog log) : Grain, IHopGrain
{
    private IDisposable? _timer;

    public Task<int> HopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<int> InterleavedHopAsync(string[] route, int next) => Route.HopAsync(GrainFactory, route, next);

    public Task<string[]> ChainAsync() => Task.FromResult(Route.Describe(CallChain.Current));

    public Task StartTimerAsync()
    {
        _timer?.Dispose();
        _timer = RegisterTimer(
            () =>
            {
                log.TimerFired(GrainId.Key, Route.Describe(CallChain.Current));
                return Task.CompletedTask;
            },
            TimeSpan.FromMilliseconds(1));
        return Task.CompletedTask;
    }
}

[Reentrant]
public sealed class ReentrantHopGrain(HopLog log) : HopGrain(log), IReentrantHopGrain;

[StatelessWorker(2)]
public sealed class WorkerHopGrain(HopLog log) : HopGrain(log), IWorkerHopGrain;
