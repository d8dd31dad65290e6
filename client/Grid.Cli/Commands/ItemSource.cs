namespace Grid.Cli.Commands;

/// <summary>A command's input items, known by count and position, so that a result's index finds its input without keeping a second list.</summary>
/// <typeparam name="T">The kernel's input type.</typeparam>
/// <param name="Count">The number of items.</param>
/// <param name="At">Gets the item at a zero-based position.</param>
internal sealed record ItemSource<T>(long Count, Func<long, T> At)
{
    /// <summary>Makes a source over items already in a list.</summary>
    public static ItemSource<T> Of(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ItemSource<T>(items.Count, i => items[checked((int)i)]);
    }

    /// <summary>Yields the items in order, each made only when the job reads it.</summary>
    public IEnumerable<T> Enumerate()
    {
        for (long i = 0; i < Count; i++)
        {
            yield return At(i);
        }
    }
}
