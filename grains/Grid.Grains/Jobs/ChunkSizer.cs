namespace Grid.Jobs;

/// <summary>Chooses how many items the next chunk gets, from the kernel time measured so far.</summary>
/// <remarks>
/// A chunk aims at <see cref="TargetDuration"/> of kernel time: long enough that the cost of sending a chunk vanishes beside it,
/// short enough that results flow early and no worker is left with a long chunk at the end. The first chunks hold one item,
/// and a chunk grows at most fourfold over the largest one measured, so a single fast first item cannot produce a huge chunk.
/// Once the input has ended, what remains is shared out so that every worker still gets a part (guided self-scheduling).
/// </remarks>
internal sealed class ChunkSizer(TimeSpan targetDuration, int maxChunkSize)
{
    private const double Smoothing = 0.3;
    private double _secondsPerItem = double.NaN;
    private int _largestMeasured;

    /// <summary>Gets the kernel time a chunk aims at.</summary>
    public TimeSpan TargetDuration { get; } = targetDuration;

    /// <summary>Gets the most items in a chunk.</summary>
    public int MaxChunkSize { get; } = maxChunkSize;

    /// <summary>Gets the measured kernel time per item, smoothed; NaN before the first measurement.</summary>
    public double SecondsPerItem => _secondsPerItem;

    /// <summary>Returns the size of the next chunk; <paramref name="remaining"/> is the number of items left once the input has ended.</summary>
    public int Next(long? remaining, int workers)
    {
        long size = 1;
        if (!double.IsNaN(_secondsPerItem))
        {
            var ideal = _secondsPerItem > 0 ? TargetDuration.TotalSeconds / _secondsPerItem : MaxChunkSize;
            size = (long)Math.Clamp(ideal, 1, Math.Min(MaxChunkSize, 4.0 * _largestMeasured));
        }

        if (remaining is { } left)
        {
            var share = (left + (2L * workers) - 1) / (2L * workers);
            size = Math.Min(size, Math.Max(1, share));
        }

        return (int)size;
    }

    /// <summary>Takes in the kernel time of a finished chunk.</summary>
    public void Observe(int items, TimeSpan busy)
    {
        if (items <= 0)
        {
            return;
        }

        var perItem = busy.TotalSeconds / items;
        _secondsPerItem = double.IsNaN(_secondsPerItem) ? perItem : ((1 - Smoothing) * _secondsPerItem) + (Smoothing * perItem);
        _largestMeasured = Math.Max(_largestMeasured, items);
    }
}
