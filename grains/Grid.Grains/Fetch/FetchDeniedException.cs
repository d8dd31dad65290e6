namespace Grid.Fetch;

/// <summary>Raised by the silo's connect hook when every address a host resolves to is denied by the fetch policy.</summary>
internal sealed class FetchDeniedException : Exception
{
    public FetchDeniedException(string message)
        : base(message)
    {
    }

    public FetchDeniedException()
        : base("The address is denied by the silo's fetch policy.")
    {
    }

    public FetchDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
