namespace Grid.Client;

/// <summary>How a <see cref="GridClient.SubmitAsync{TIn, TOut}"/> call runs.</summary>
public sealed record SubmitOptions
{
    /// <summary>Gets the time limit of the item; past it the kernel's token is signalled and the call throws an <see cref="ItemFailedException"/> with a timed-out error.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the hard time limit of the item, for kernels that ignore their token: past it the call throws an <see cref="ItemFailedException"/> with a timed-out error and the kernel is abandoned or its worker process killed; not shorter than <see cref="Timeout"/>.</summary>
    /// <value>The default value is <see langword="null"/>: only the kernel's own hard limit, if it has one.</value>
    public TimeSpan? HardTimeout { get; init; }
}
