namespace Grid.Cluster.Wire;

/// <summary>Thrown when bytes from the broker are not a message Grid can read; the message names what was wrong and where.</summary>
public sealed class WireFormatException : GridException
{
    /// <summary>Creates the exception with a message naming the fault.</summary>
    public WireFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message naming the fault and the exception that revealed it.</summary>
    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
