namespace Grid.Client;

/// <summary>How a <see cref="GridClient.SubmitAsync{TIn, TOut}"/> call runs.</summary>
public sealed record SubmitOptions
{
    /// <summary>Gets the time limit of the item; past it the kernel's token is signalled and the call throws an <see cref="ItemFailedException"/> with a timed-out error.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? Timeout { get; init; }
}
