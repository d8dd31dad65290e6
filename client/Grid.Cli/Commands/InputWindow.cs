using System.Collections.Concurrent;

namespace Grid.Cli.Commands;

/// <summary>Keeps the inputs a job has read and not yet reported, so that a result finds its input while the input itself is read lazily and never held whole.</summary>
/// <typeparam name="T">The input type.</typeparam>
internal sealed class InputWindow<T>(long count, IEnumerable<T> source)
{
    private readonly ConcurrentDictionary<long, T> _open = new();

    /// <summary>Gets the inputs as the job reads them, each kept until its result takes it.</summary>
    public IEnumerable<T> Inputs
    {
        get
        {
            long index = 0;
            foreach (var item in source)
            {
                _open[index++] = item;
                yield return item;
            }
        }
    }

    /// <summary>Gets the source of a job's output: the count, and each result's input (taken out of the window).</summary>
    public ItemSource<T> Source => new(count, index => _open.TryRemove(index, out var item) ? item : default!);
}
