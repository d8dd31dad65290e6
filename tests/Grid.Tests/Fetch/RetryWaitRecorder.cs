using System.Collections.Concurrent;

namespace Grid.Tests.Fetch;

/// <summary>The system clock, which also records the due time of every timer made on it: the waits a retry pipeline built on it asked for.</summary>
/// <remarks>Give it to the silo's request runner only: that clock makes timers for nothing but the waits between attempts (each attempt's own time limit is a <see cref="CancellationTokenSource"/> timer, not one of its).</remarks>
internal sealed class RetryWaitRecorder : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();

    /// <summary>Gets the due times of the timers made so far, in the order they were made.</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
