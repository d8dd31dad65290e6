namespace Grid.Jobs;

/// <summary>The outcome of one input item: its index in the input, its value or its error, how long it ran and where.</summary>
/// <typeparam name="T">The kernel's output type.</typeparam>
public readonly record struct ItemResult<T>
{
    /// <summary>Creates a result.</summary>
    public ItemResult(long index, T? value, ItemError? error, TimeSpan duration, string worker)
    {
        Index = index;
        Value = value;
        Error = error;
        Duration = duration;
        Worker = worker;
        Attempts = 1;
    }

    /// <summary>Gets the zero-based position of the item in the job's input.</summary>
    public long Index { get; }

    /// <summary>Gets the kernel's value; the default of <typeparamref name="T"/> when the item did not succeed, except in fetch and upload jobs, whose failed requests have a value describing them.</summary>
    public T? Value { get; }

    /// <summary>Gets why the item did not succeed, or <see langword="null"/> when it did.</summary>
    public ItemError? Error { get; }

    /// <summary>Gets how long the kernel ran on this item.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets the name of the worker that ran the item.</summary>
    public string Worker { get; }

    /// <summary>Gets how many times the item was run (more than 1 when its job's retry policy ran it again); the result is that of the last attempt.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets how the item ended.</summary>
    public ItemStatus Status => Error?.Status ?? ItemStatus.Ok;

    /// <summary>Gets whether the kernel returned a value.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>Returns the value, or throws an <see cref="ItemFailedException"/> that carries the item's error.</summary>
    public T GetValueOrThrow() => Error is null ? Value! : throw new ItemFailedException(Index, Error);
}
