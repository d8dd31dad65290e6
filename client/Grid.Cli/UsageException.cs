namespace Grid.Cli;

/// <summary>A mistake in the command line found while running a command; its message is the whole error line shown to the user.</summary>
internal sealed class UsageException : Exception
{
    /// <summary>Creates an exception whose message is the line to print, for example <c>grid primes: no numbers given</c>.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public UsageException()
        : base("grid: usage error")
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Makes the error of <paramref name="command"/>, shown as <c>grid COMMAND: MESSAGE</c>.</summary>
    public static UsageException For(string command, string message) => new($"grid {command}: {message}");
}
