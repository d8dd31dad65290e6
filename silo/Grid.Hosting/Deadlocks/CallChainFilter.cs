using Microsoft.Extensions.Logging;
using Orleans.CodeGeneration;

namespace Grid.Hosting.Deadlocks;

/// <summary>Fails a grain call at once with a <see cref="DeadlockException"/> when it would close a cycle back to a grain whose turn waits for it.</summary>
/// <remarks>
/// <para>
/// Orleans queues a call to a non-reentrant grain behind the grain's running turn, and runs incoming filters only once the call
/// leaves that queue, so the grain being called can never see the cycle: the check is made by the caller, before sending. The
/// incoming side starts a <see cref="ChainTurn"/> for each grain call's turn (the chain the call brought, then this grain); the
/// outgoing side checks each call of a running turn against that chain and puts the chain in the call's request context, which
/// Orleans carries to the next grain on any silo.
/// </para>
/// <para>
/// Exempt: [Reentrant], [MayInterleave] and [StatelessWorker] grain types, [AlwaysInterleave] methods, a read-only call to a grain
/// waiting in a read-only turn, one-way calls (nobody waits on them, so they carry no chain either), and calls inside a call-chain
/// reentrancy section (<see cref="RequestContext.AllowCallChainReentrancy"/>), which Orleans may let in. A timer tick passes
/// the incoming filter too, but as no <see cref="IRequest"/> and without saying whether it interleaves, so it starts no turn.
/// </para>
/// <para>
/// Work a turn leaves behind (a continuation it does not await, a <c>Task.Run</c>) is checked while the turn runs and carries
/// no chain once it has ended. Limits: while it runs, a turn counts as waiting on every call it makes, awaited or not, so a
/// cycle through work it started but does not await is reported although that call would only queue. Not reported: a
/// [StatelessWorker] whose every activation waits in the cycle, a grain type the cluster manifest does not list yet, and
/// cycles closed from code that runs outside a grain call's turn (timer ticks, <c>OnActivateAsync</c>, other incoming
/// filters that run before this one) or from messages Orleans sends without a grain reference (stream deliveries).
/// </para>
/// </remarks>
internal sealed partial class CallChainFilter(TurnExclusivity exclusivity, ILogger<CallChainFilter> logger)
    : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    /// <inheritdoc/>
    public Task Invoke(IIncomingGrainCallContext context)
        => context.Request is IRequest request ? RunTurnAsync(context, request.Options) : context.Invoke();

    /// <inheritdoc/>
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var options = context.Request is IRequest request ? request.Options : InvokeMethodOptions.None;
        var turn = ChainTurn.Current;
        if (turn is null || turn.HasEnded || (options & InvokeMethodOptions.OneWay) != 0)
        {
            // Nobody waits on this call, but the request context may still hold a chain the code inherited (the one its turn
            // brought, or a chain of a turn that has ended): it must not travel on. Without a chain this path allocates nothing.
            if (RequestContext.Get(CallChain.Key) is not null)
            {
                RequestContext.Remove(CallChain.Key);
            }

            return context.Invoke();
        }

        var chain = turn.Chain;
        if ((options & InvokeMethodOptions.AlwaysInterleave) == 0 && FindDeadlock(context, chain, options) is { } deadlock)
        {
            // Failed, not thrown: the caller's await rethrows it, and a throw would only add a stack walk to every report.
            return Task.FromException(deadlock);
        }

        // Orleans copies the request context into the message after the outgoing filters, inside its own async method,
        // so the change reaches this call alone and the turn's own context is left as it was.
        RequestContext.Set(CallChain.Key, chain);
        return context.Invoke();
    }

    private static async Task RunTurnAsync(IIncomingGrainCallContext context, InvokeMethodOptions options)
    {
        // A one-way call's sender does not wait for it, so whatever chain it brought is not waiting either.
        var callerChain = (options & InvokeMethodOptions.OneWay) != 0 ? null : RequestContext.Get(CallChain.Key) as string;
        var turn = new ChainTurn(callerChain, context.TargetId, HoldOf(options));

        // Set inside this async method, the current turn is undone when it returns, so it never reaches the next message.
        ChainTurn.Current = turn;
        try
        {
            await context.Invoke();
        }
        finally
        {
            turn.End();
        }
    }

    private static TurnHold HoldOf(InvokeMethodOptions options)
        => (options & InvokeMethodOptions.AlwaysInterleave) != 0 ? TurnHold.None
            : (options & InvokeMethodOptions.ReadOnly) != 0 ? TurnHold.ReadOnly
            : TurnHold.Exclusive;

    private DeadlockException? FindDeadlock(IOutgoingGrainCallContext context, string chain, InvokeMethodOptions options)
    {
        var target = context.TargetId;
        var start = CallChain.FindHolder(chain, target, readOnlyCall: (options & InvokeMethodOptions.ReadOnly) != 0);
        if (start < 0 || !exclusivity.HoldsCalls(target.Type) || RequestContext.ReentrancyId != Guid.Empty)
        {
            return null;
        }

        var cycle = CallChain.Cycle(chain, start, target);
        var method = $"{context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName}.{context.MethodName}";
        var description = CallChain.Describe(cycle);
        LogDeadlock(logger, method, description);
        return new DeadlockException(
            $"Call to {method} would deadlock: grain call cycle {description}. Grain {target} is not reentrant and its turn is "
            + "waiting for this cycle to end, so the call would never run. Mark the grain [Reentrant] or the method "
            + "[AlwaysInterleave], or do not wait for the call inside the turn.",
            cycle);
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Call to {Method} failed at once: it would deadlock on the grain call cycle {Cycle}")]
    private static partial void LogDeadlock(ILogger logger, string method, string cycle);
}
