namespace Grid;

/// <summary>Base of the errors Grid raises for a whole call or job (a single item's failure is reported as its <c>ItemError</c> instead).</summary>
[GenerateSerializer]
public class GridException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public GridException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public GridException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public GridException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
