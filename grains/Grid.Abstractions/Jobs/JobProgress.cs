namespace Grid.Jobs;

/// <summary>A snapshot of a running job, as reported to <see cref="IProgress{T}"/>.</summary>
/// <param name="Read">Items read from the input so far.</param>
/// <param name="Succeeded">Items whose kernel returned a value.</param>
/// <param name="Failed">Items whose kernel threw.</param>
/// <param name="TimedOut">Items stopped by a time limit.</param>
/// <param name="Cancelled">Items dropped or stopped by cancellation.</param>
/// <param name="Total">The number of input items, once the whole input has been read; otherwise <see langword="null"/>.</param>
/// <param name="Elapsed">Time since the job started.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobProgress(long Read, long Succeeded, long Failed, long TimedOut, long Cancelled, long? Total, TimeSpan Elapsed)
{
    /// <summary>Gets the items that have a result of any kind.</summary>
    public long Completed => Succeeded + Failed + TimedOut + Cancelled;

    /// <summary>Gets the share of the job done, from 0 to 1, once the total is known.</summary>
    public double? Fraction => Total is { } total ? (total == 0 ? 1 : (double)Completed / total) : null;

    /// <summary>Gets the items completed per second so far.</summary>
    public double ItemsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
