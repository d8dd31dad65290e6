namespace Grid.Jobs;

/// <summary>A run of consecutive input items sent by the client to a job.</summary>
/// <param name="StartIndex">The index of the first item in the job's input.</param>
/// <param name="Items">The items, an array of the job's input type.</param>
[GenerateSerializer]
[Immutable]
public sealed record InputBatch(long StartIndex, Array Items)
{
    /// <summary>Gets each item's estimated bytes in a message (see <c>PayloadSize</c>), or <see langword="null"/> when the item type has a fixed size or the sender did not measure them.</summary>
    [Id(100)]
    public int[]? Sizes { get; init; }
}
