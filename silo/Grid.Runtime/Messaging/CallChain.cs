using System.Text;

namespace Grid.Runtime.Messaging;

/// <summary>The grains whose turns are waiting, one inside the other, on the current call: what a call carries so that a cycle back to a waiting grain is caught when it closes.</summary>
/// <remarks>
/// A link is made once per turn that was itself called from a grain; every call that turn makes shares it, so a call costs no allocation
/// for its chain. A turn called from outside any grain uses its activation's own link, made once. The current link flows with the turn's
/// async work (an <see cref="AsyncLocal{T}"/>), so it never reaches another turn, the pump, or a timer (timers start with no chain).
/// </remarks>
internal sealed class CallChain
{
    private static readonly AsyncLocal<CallChain?> CurrentLink = new();

    public CallChain(GrainId grain, CallChain? caller)
    {
        Grain = grain;
        Caller = caller;
    }

    /// <summary>Gets the grain whose turn is waiting.</summary>
    public GrainId Grain { get; }

    /// <summary>Gets the chain of the call that grain's turn is running, or <see langword="null"/> when it was called from outside any grain.</summary>
    public CallChain? Caller { get; }

    /// <summary>Gets the chain a call made now carries: the running turn's grain and its callers, or <see langword="null"/> outside any grain turn.</summary>
    public static CallChain? Current => CurrentLink.Value;

    /// <summary>Makes <paramref name="chain"/> the chain of the calls the current turn makes.</summary>
    public static void Enter(CallChain? chain) => CurrentLink.Value = chain;

    /// <summary>Counts the times <paramref name="grain"/> appears in the chain.</summary>
    public int Count(GrainId grain)
    {
        var count = 0;
        for (var link = this; link is not null; link = link.Caller)
        {
            if (link.Grain == grain)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Returns the cycle a call to <paramref name="grain"/> would close, from the latest turn of <paramref name="grain"/> to the call itself, or <see langword="null"/> when the chain does not pass through it.</summary>
    public GrainId[]? CycleTo(GrainId grain)
    {
        var length = 1;
        for (var link = this; link is not null; link = link.Caller, length++)
        {
            if (link.Grain != grain)
            {
                continue;
            }

            var cycle = new GrainId[length + 1];
            cycle[length] = grain;
            var at = length - 1;
            for (var step = this; at >= 0; step = step!.Caller, at--)
            {
                cycle[at] = step!.Grain;
            }

            return cycle;
        }

        return null;
    }

    /// <summary>Writes a cycle as <c>A -> B -> A</c>.</summary>
    public static string Describe(IReadOnlyList<GrainId> cycle)
    {
        var text = new StringBuilder();
        foreach (var grain in cycle)
        {
            text.Append(text.Length == 0 ? string.Empty : " -> ").Append(grain);
        }

        return text.ToString();
    }
}
