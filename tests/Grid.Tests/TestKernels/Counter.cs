namespace Grid.Tests.TestKernels;

/// <summary>Counts events raised on worker threads and lets a test await a count, so tests wait on events instead of polling.</summary>
internal sealed class Counter
{
    private readonly Lock _lock = new();
    private readonly List<(int Target, TaskCompletionSource Reached)> _waiters = [];
    private int _count;

    /// <summary>Gets the count so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds one and wakes the waiters whose count is reached.</summary>
    public void Increment()
    {
        List<TaskCompletionSource>? reached = null;
        lock (_lock)
        {
            _count++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= _count)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached?.ForEach(r => r.TrySetResult());
    }

    /// <summary>Completes once the count reaches <paramref name="target"/>; fails after <see cref="TestLimits.Hang"/> so a bug cannot hang the run.</summary>
    public Task WhenReached(int target)
    {
        lock (_lock)
        {
            if (_count >= target)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, reached));
            return reached.Task.WaitAsync(TestLimits.Hang);
        }
    }
}
