using Grid.Jobs;

namespace Grid;

/// <summary>Raised when the result of a single item is asked for and the item did not succeed.</summary>
public sealed class ItemFailedException : GridException
{
    /// <summary>Creates an exception for the item at <paramref name="index"/> that ended with <paramref name="error"/>.</summary>
    public ItemFailedException(long index, ItemError error)
        : base(Describe(index, error))
    {
        Index = index;
        Error = error;
    }

    /// <summary>Creates an exception with a message.</summary>
    public ItemFailedException(string message)
        : base(message)
    {
        Error = new ItemError(ItemStatus.Failed, typeof(ItemFailedException).FullName!, message);
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public ItemFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = ItemError.FromException(innerException);
    }

    /// <summary>Creates an exception with no message.</summary>
    public ItemFailedException()
        : this("The item failed.")
    {
    }

    /// <summary>Gets the zero-based index of the item in its job's input.</summary>
    public long Index { get; }

    /// <summary>Gets the item's error as the kernel reported it.</summary>
    public ItemError Error { get; }

    private static string Describe(long index, ItemError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Status switch
        {
            ItemStatus.TimedOut => $"Item {index} timed out: {error.Message}",
            ItemStatus.Cancelled => $"Item {index} was cancelled: {error.Message}",
            _ => $"Item {index} failed with {error.Type}: {error.Message}",
        };
    }
}
