using System.Collections.Concurrent;
using Orleans.Metadata;
using Orleans.Concurrency;

namespace Grid.Hosting.Deadlocks;

/// <summary>Grid's deadlock detection on Orleans: every call carries the chain of grains whose turns wait on it, and a call that would close a cycle back to a non-reentrant grain fails at once with a <see cref="DeadlockException"/> naming the cycle.</summary>
/// <remarks>
/// <para>
/// When a grain's turn starts (the incoming side), the chain its call brought plus this grain becomes the chain of every call the
/// turn makes; the chain travels in the <see cref="RequestContext"/>, so it crosses silos with the calls. Before a call is sent (the
/// outgoing side), a target already in the chain is a cycle: that grain's turn waits for this very call, which would queue behind it
/// until Orleans' response timeout (30 s by default).
/// </para>
/// <para>
/// Exempt are grains marked <c>[Reentrant]</c> and <c>[StatelessWorker]</c> (Orleans runs such a call beside the waiting turn or on
/// another activation) and interface methods marked <c>[AlwaysInterleave]</c> or <c>[ReadOnly]</c>. Limits: work a turn starts and
/// does not await (a fire-and-forget call, a timer started from it) carries the turn's chain too, so a call back from it is
/// reported though it would only wait; and a call made outside any grain (a client) starts a chain of none.
/// </para>
/// </remarks>
internal sealed class CallChainFilter(GrainPropertiesResolver properties) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    /// <summary>The request-context key of the chain: the grains whose turns wait, in call order.</summary>
    public const string ChainKey = "grid.chain";

    private readonly ConcurrentDictionary<GrainType, bool> _interleaves = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var chain = RequestContext.Get(ChainKey) as string[];
        var self = context.TargetId.ToString();
        string[] extended = chain is null ? [self] : [.. chain, self];
        RequestContext.Set(ChainKey, extended);
        return context.Invoke();
    }

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (RequestContext.Get(ChainKey) is string[] chain)
        {
            var target = context.TargetId.ToString();
            var at = Array.IndexOf(chain, target);
            if (at >= 0 && !Interleaves(context))
            {
                string[] cycle = [.. chain[at..], target];
                return Task.FromException(new DeadlockException(
                    $"The call {context.InterfaceName}.{context.MethodName} would deadlock: it closes the grain call cycle {string.Join(" -> ", cycle)}, "
                    + $"and {target} is not reentrant, so its waiting turn would never end.",
                    cycle));
            }
        }

        return context.Invoke();
    }

    private bool Interleaves(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is { } method
            && (method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true) || method.IsDefined(typeof(ReadOnlyAttribute), inherit: true)))
        {
            return true;
        }

        return _interleaves.GetOrAdd(context.TargetId.Type, type =>
        {
            if (!properties.TryGetGrainProperties(type, out var grain))
            {
                return false;
            }

            var values = grain.Properties;
            return (values.TryGetValue(WellKnownGrainTypeProperties.Reentrant, out var reentrant) && bool.TryParse(reentrant, out var yes) && yes)
                || (values.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var placement) && placement.Contains("StatelessWorker", StringComparison.Ordinal));
        });
    }
}
