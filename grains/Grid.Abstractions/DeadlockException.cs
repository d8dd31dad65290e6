namespace Grid;

/// <summary>Reports a call that would never run: it closes a cycle of grain calls back to a non-reentrant grain that is still waiting, in the turn that began the cycle, for that very cycle to end.</summary>
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

    /// <summary>Gets the grains of the cycle (as Orleans writes grain ids, <c>type/key</c>) in call order, beginning and ending with the grain that would have waited for itself.</summary>
    [Id(0)]
    public IReadOnlyList<string> Cycle { get; private set; }
}
