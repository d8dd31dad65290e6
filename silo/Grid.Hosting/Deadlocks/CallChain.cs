using System.Globalization;

namespace Grid.Hosting.Deadlocks;

/// <summary>Reads and writes the call chain a grain call carries in its <see cref="RequestContext"/>: the grains whose turns wait on the call, oldest first.</summary>
/// <remarks>
/// The chain is one string: a single request-context entry that Orleans' deep copier passes by reference, that crosses silos
/// as compactly as the grain ids themselves, and that a client can read without any serializer of Grid's (responses carry the
/// request context back, and a grain's call to a client observer carries it too). Each link is a <see cref="TurnHold"/>
/// character, the length of the grain id in decimal, a colon and the grain id as Orleans writes it (<c>hop/two-a</c>); a length
/// rather than a separator, because a grain key may hold any character. A chain this code cannot read is treated as ending
/// there, so it can hide a cycle but never report one.
/// </remarks>
internal static class CallChain
{
    /// <summary>The request context key of the chain.</summary>
    public const string Key = "grid.chain";

    // Grain ids up to this length are written on the stack; a longer one costs a string.
    private const int StackChars = 256;

    /// <summary>Returns <paramref name="chain"/> (none when <see langword="null"/>) followed by a link for a turn of <paramref name="grain"/>.</summary>
    public static string Append(string? chain, GrainId grain, TurnHold hold)
    {
        Span<char> buffer = stackalloc char[StackChars];
        var id = Write(grain, buffer);
        Span<char> head = stackalloc char[12];
        head[0] = (char)hold;
        id.Length.TryFormat(head[1..], out var digits, default, CultureInfo.InvariantCulture);
        head[digits + 1] = ':';
        return string.Concat(chain, head[..(digits + 2)], id);
    }

    /// <summary>Finds the latest link of <paramref name="target"/> whose turn a call of this kind would wait behind.</summary>
    /// <returns>Where that link starts in <paramref name="chain"/>, the start of the cycle the call would close; -1 when there is none.</returns>
    public static int FindHolder(string chain, GrainId target, bool readOnlyCall)
    {
        Span<char> buffer = stackalloc char[StackChars];
        var id = Write(target, buffer);
        var found = -1;
        for (var next = 0; TryRead(chain, ref next, out var start, out var hold, out var grain);)
        {
            if (Holds(hold, readOnlyCall) && grain.SequenceEqual(id))
            {
                found = start;
            }
        }

        return found;
    }

    /// <summary>Returns the grains of the cycle a call to <paramref name="target"/> closes: the links from <paramref name="start"/> on, then <paramref name="target"/>.</summary>
    public static string[] Cycle(string chain, int start, GrainId target)
    {
        var grains = new List<string>();
        for (var next = start; TryRead(chain, ref next, out _, out _, out var grain);)
        {
            grains.Add(grain.ToString());
        }

        grains.Add(target.ToString());
        return [.. grains];
    }

    /// <summary>Writes a cycle as <c>a -> b -> a</c>.</summary>
    public static string Describe(IReadOnlyList<string> cycle) => string.Join(" -> ", cycle);

    // Whether a call waits behind a turn that holds its grain so: a read-only turn still lets read-only calls in.
    private static bool Holds(TurnHold hold, bool readOnlyCall) => hold == TurnHold.Exclusive || (hold == TurnHold.ReadOnly && !readOnlyCall);

    private static ReadOnlySpan<char> Write(GrainId grain, Span<char> buffer)
        => buffer.TryWrite(CultureInfo.InvariantCulture, $"{grain}", out var written) ? buffer[..written] : grain.ToString();

    private static bool TryRead(string chain, ref int next, out int start, out TurnHold hold, out ReadOnlySpan<char> grain)
    {
        start = next;
        hold = default;
        grain = default;
        if (next >= chain.Length)
        {
            return false;
        }

        var digits = chain.AsSpan(next + 1).IndexOf(':');
        if (digits <= 0
            || !int.TryParse(chain.AsSpan(next + 1, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length > chain.Length - (next + digits + 2))
        {
            return false;
        }

        hold = (TurnHold)chain[next];
        grain = chain.AsSpan(next + digits + 2, length);
        next += digits + 2 + length;
        return true;
    }
}
