namespace Grid.Hosting.Deadlocks;

/// <summary>What a waiting turn keeps out of its grain until it ends; a link of the call chain begins with it.</summary>
/// <remarks>The values are the characters written into the chain, so they must not change while silos of two versions share a cluster.</remarks>
internal enum TurnHold : ushort
{
    /// <summary>An ordinary turn: every call but an [AlwaysInterleave] one waits for it.</summary>
    Exclusive = 'x',

    /// <summary>A [ReadOnly] turn: other read-only calls run beside it, the rest wait.</summary>
    ReadOnly = 'r',

    /// <summary>An [AlwaysInterleave] turn: it keeps nothing out, so no call waits for it.</summary>
    None = 'i',
}
