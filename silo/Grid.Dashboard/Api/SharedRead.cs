namespace Grid.Dashboard.Api;

/// <summary>One read that serves every caller while it runs and for a while after it succeeded, so that more pages and requests cost
/// no more reads; a failed read is not reused.</summary>
/// <remarks>A new read is started outside the lock, and never with a caller's cancellation, since other callers may wait for it.</remarks>
/// <param name="reuse">How long a successful read serves, counted from its start.</param>
/// <param name="time">The clock.</param>
internal sealed class SharedRead<T>(TimeSpan reuse, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Task<T>? _last;
    private long _startedAt;

    /// <summary>Gets the read under way or the latest one while it is fresh, else starts <paramref name="read"/>.</summary>
    public Task<T> GetAsync(Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var now = time.GetTimestamp();
        TaskCompletionSource<T>? started = null;
        Task<T> current;
        lock (_lock)
        {
            if (_last is not { } last || last.IsFaulted || last.IsCanceled || (last.IsCompleted && time.GetElapsedTime(_startedAt, now) >= reuse))
            {
                // Its callers continue on the thread that ends the read, which holds no lock then: a hop through the thread pool per
                // caller would cost more than their short continuations on a busy machine.
                started = new TaskCompletionSource<T>();
                (_last, _startedAt) = (started.Task, now);
            }

            current = _last;
        }

        if (started is not null)
        {
            _ = RunAsync(read, started);
        }

        return current;
    }

    private static async Task RunAsync(Func<Task<T>> read, TaskCompletionSource<T> started)
    {
        try
        {
            started.SetResult(await read().ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            started.SetException(exception);
        }
    }
}
