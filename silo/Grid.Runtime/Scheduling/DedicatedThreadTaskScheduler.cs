using System.Collections.Concurrent;

namespace Grid.Runtime.Scheduling;

/// <summary>Runs one activation's tasks on a thread of its own, so that a long CPU kernel blocks only that thread and never the thread pool.</summary>
internal sealed class DedicatedThreadTaskScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = new(new ConcurrentQueue<Task>());
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private int _started;

    // The thread starts with the first task, so a scheduler that is made but never used costs no thread.
    public DedicatedThreadTaskScheduler(string name) => _thread = new Thread(Run) { IsBackground = true, Name = name };

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Lets the thread end once the tasks already queued have run.</summary>
    public void Dispose() => _queue.CompleteAdding();

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        // A continuation that arrives after the activation ended still has to run somewhere; the thread pool takes it.
        if (TryAdd(task))
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                _thread.Start();
            }
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Scheduler.RunExclusive(state.Task), (Scheduler: this, Task: task), preferLocal: false);
        }
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued)
        => Thread.CurrentThread == _thread && !taskWasPreviouslyQueued && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            RunExclusive(task);
        }
    }

    // The gate keeps a late task on the thread pool from running beside the dedicated thread's last queued tasks.
    private void RunExclusive(Task task)
    {
        lock (_gate)
        {
            TryExecuteTask(task);
        }
    }

    private bool TryAdd(Task task)
    {
        try
        {
            return _queue.TryAdd(task);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
