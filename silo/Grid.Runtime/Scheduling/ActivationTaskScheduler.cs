using System.Collections.Concurrent;

namespace Grid.Runtime.Scheduling;

/// <summary>Runs one activation's tasks one at a time on the thread pool, so grain code needs no locks even when turns interleave at awaits.</summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem, IDisposable
{
    // How many tasks one pool work item runs before it yields the thread, so one busy activation cannot hog a pool thread.
    private const int BatchSize = 64;

    private readonly ConcurrentQueue<Task> _queue = new();
    private int _scheduled;

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <inheritdoc />
    public void Execute()
    {
        for (var i = 0; i < BatchSize && _queue.TryDequeue(out var task); i++)
        {
            TryExecuteTask(task);
        }

        // A full fence, not a release write: the flag must be cleared before the queue is looked at again,
        // or a task queued in between could find the flag still set and be left behind.
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_queue.IsEmpty)
        {
            ScheduleIfIdle();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the queue drains on the thread pool. Present so both schedulers share one lifecycle.
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        ScheduleIfIdle();
    }

    // Never inline: running a task on the caller's thread could run it beside the task the scheduler is running now.
    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void ScheduleIfIdle()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
