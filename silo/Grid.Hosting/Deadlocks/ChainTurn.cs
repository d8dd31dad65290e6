namespace Grid.Hosting.Deadlocks;

/// <summary>A grain turn running for a call: the chain its calls carry, and whether it is still running.</summary>
/// <remarks>
/// The current turn flows with the turn's async work. That also carries it into work the turn leaves behind (a continuation
/// it does not await, a <c>Task.Run</c>) which may call out after the turn has ended; such a call waits in no chain, so it
/// must neither be checked against the turn's chain nor carry it on. The end is therefore recorded here, where the left-behind
/// work still sees it, rather than by undoing the async local, which that work has already copied.
/// </remarks>
internal sealed class ChainTurn(string? callerChain, GrainId grain, TurnHold hold)
{
    private static readonly AsyncLocal<ChainTurn?> Running = new();

    private string? _chain;
    private volatile bool _ended;

    /// <summary>Gets or sets the turn the current code runs in, or <see langword="null"/> outside any grain call's turn (a client, a timer tick, a silo service).</summary>
    public static ChainTurn? Current
    {
        get => Running.Value;
        set => Running.Value = value;
    }

    /// <summary>Gets whether the turn has ended.</summary>
    public bool HasEnded => _ended;

    /// <summary>Gets the chain every call of the turn carries: its caller's chain and then this grain.</summary>
    /// <remarks>Made on the first call out, so a turn that calls no grain pays nothing for it.</remarks>
    public string Chain => _chain ??= CallChain.Append(callerChain, grain, hold);

    /// <summary>Records that the turn has ended.</summary>
    public void End() => _ended = true;
}
