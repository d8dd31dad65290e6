namespace Grid;

/// <summary>Reports a grain call that would never run: it closes a cycle of waiting calls back to a grain whose turn is waiting for that very cycle to end.</summary>
/// <remarks>
/// Raised by the caller's silo before the call is sent, so it arrives at once instead of as a timeout. It is serializable
/// with its <see cref="Cycle"/>, so it reaches the grain that began the cycle and the client intact from any silo.
/// </remarks>
[GenerateSerializer]
public sealed class DeadlockException : GridException
{
    /// <summary>Creates an exception with no message.</summary>
    public DeadlockException()
    {
        Cycle = [];
    }

    /// <summary>Creates an exception with a message.</summary>
    public DeadlockException(string message)
        : base(message)
    {
        Cycle = [];
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public DeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
        Cycle = [];
    }

    /// <summary>Creates an exception for the cycle <paramref name="cycle"/>, whose first and last grain are the same.</summary>
    public DeadlockException(string message, IReadOnlyList<string> cycle)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        Cycle = cycle;
    }

    /// <summary>Gets the grains of the cycle as Orleans writes grain ids (<c>type/key</c>), in call order, from the grain that would wait for itself back to it.</summary>
    [Id(0)]
    public IReadOnlyList<string> Cycle { get; private set; }
}
