namespace Grid.Jobs;

/// <summary>A run of consecutive items of one job given to one worker.</summary>
/// <param name="JobId">The job the items belong to.</param>
/// <param name="ChunkId">The chunk's number within the job.</param>
/// <param name="StartIndex">The index of the first item in the job's input.</param>
/// <param name="Kernel">The name of the kernel to run.</param>
/// <param name="Inputs">The items, an array of the job's input type.</param>
[GenerateSerializer]
[Immutable]
public sealed record Chunk(Guid JobId, long ChunkId, long StartIndex, string Kernel, Array Inputs)
{
    /// <summary>Gets the time limit of one item, or <see langword="null"/> for none.</summary>
    [Id(101)]
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>Gets the job's hard time limit of one item, or <see langword="null"/> for none; the kernel's own hard limit applies too, and the smaller wins.</summary>
    [Id(102)]
    public TimeSpan? HardItemTimeout { get; init; }

    /// <summary>Gets when the job's time limit passes, or <see langword="null"/> for none; items still running then are timed out.</summary>
    [Id(103)]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Gets the W3C <c>traceparent</c> of the span the chunk's kernel span continues (the job's chunk span, or a submit's span), or <see langword="null"/> when nobody traces.</summary>
    [Id(104)]
    public string? TraceParent { get; init; }

    /// <summary>Gets the number of items in the chunk.</summary>
    public int Count => Inputs.Length;

    /// <summary>Returns the chunk of this one's items from <paramref name="offset"/> on, with the same id; this chunk itself when <paramref name="offset"/> is 0.</summary>
    public Chunk From(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, Count);
        if (offset == 0)
        {
            return this;
        }

        var inputs = Array.CreateInstance(Inputs.GetType().GetElementType()!, Count - offset);
        Array.Copy(Inputs, offset, inputs, 0, inputs.Length);
        return this with { StartIndex = StartIndex + offset, Inputs = inputs };
    }
}
