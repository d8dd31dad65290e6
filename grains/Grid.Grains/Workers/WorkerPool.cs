using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.Isolation;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;

namespace Grid.Workers;

/// <summary>The silo's kernel threads: <see cref="IGridSilo.MaxWorkers"/> threads of Grid's own, each running one chunk at a time, never on an Orleans turn.</summary>
/// <remarks>
/// Grains hand a chunk over and await its result, so a kernel that runs for minutes holds a kernel thread, never an activation's
/// turn or a thread of the pool Orleans schedules every other call on. Each thread keeps its <see cref="KernelWorker"/> (its name
/// <c>SILO/worker-N</c>, its kernel thread for hard limits, its worker process for isolated kernels). Threads start on first use.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    // A kernel span names at most this many failed items; the rest are counted in its tags.
    private const int MaxErrorEvents = 10;

    private readonly BlockingCollection<WorkItem> _queue = new(new ConcurrentQueue<WorkItem>());
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _submits = new();
    private readonly KernelRegistry _kernels;
    private readonly IGridSilo _silo;
    private readonly KernelProcesses _processes;
    private readonly JobMonitor _monitor;
    private readonly ILogger<WorkerPool> _logger;
    private readonly Lock _startLock = new();
    private Thread[]? _threads;
    private int _busy;
    private bool _stopping;

    public WorkerPool(KernelRegistry kernels, IGridSilo silo, KernelProcesses processes, JobMonitor monitor, ILogger<WorkerPool> logger)
    {
        _kernels = kernels;
        _silo = silo;
        _processes = processes;
        _monitor = monitor;
        _logger = logger;
        Workers = silo.MaxWorkers;
    }

    /// <summary>Gets how many chunks run at once at most.</summary>
    public int Workers { get; }

    /// <summary>Gets how many workers run a chunk now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Gets how many chunks wait for a free worker.</summary>
    public int Queued => _queue.Count;

    /// <summary>Gets whether the silo has begun to stop: its pool takes no more chunks, and what it holds still runs until the silo stops.</summary>
    public bool Stopping => Volatile.Read(ref _stopping);

    /// <summary>Queues the chunk for the next free worker; the task ends with the chunk's result, one outcome per item, and throws only when the chunk could not run at all (its kernel is unknown, the silo stops).</summary>
    public Task<ChunkResult> RunAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        EnsureStarted();
        var parent = chunk.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var context) ? context : Activity.Current?.Context ?? default;
        var item = new WorkItem(chunk, parent, cancellationToken);
        if (!_queue.TryAdd(item))
        {
            return Task.FromException<ChunkResult>(new WorkerPoolStoppedException($"Silo {_silo.SiloName} is stopping; chunk {chunk.ChunkId} of job {chunk.JobId} did not run."));
        }

        return item.Result.Task;
    }

    /// <summary>Runs a submitted item's chunk like <see cref="RunAsync"/>, cancellable by its id through <see cref="CancelSubmit"/> as well as by <paramref name="cancellationToken"/>.</summary>
    /// <remarks>Orleans delivers no cancellation to a stateless worker's call (dotnet/orleans#9877), so a client that gives up names the chunk to every silo instead.</remarks>
    public async Task<ChunkResult> RunSubmitAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _submits[chunk.JobId] = cancellation;
        try
        {
            return await RunAsync(chunk, cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            _submits.TryRemove(chunk.JobId, out _);
        }
    }

    /// <summary>Signals the kernel of the submitted chunk <paramref name="id"/>, if it runs or waits here.</summary>
    public void CancelSubmit(Guid id)
    {
        if (_submits.TryGetValue(id, out var cancellation))
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The chunk ended just now: nothing is left to signal.
            }
        }
    }

    /// <summary>Marks the silo as stopping, so that its pool takes no more chunks of any job.</summary>
    public void BeginStopping() => Volatile.Write(ref _stopping, true);

    /// <summary>Stops taking chunks, fails the queued ones and lets the threads end once their running chunks end.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        while (_queue.TryTake(out var item))
        {
            item.Result.TrySetException(new WorkerPoolStoppedException($"Silo {_silo.SiloName} stopped before chunk {item.Chunk.ChunkId} of job {item.Chunk.JobId} ran."));
        }
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _threads) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_threads is not null)
            {
                return;
            }

            var threads = new Thread[Workers];
            for (var i = 0; i < threads.Length; i++)
            {
                var worker = new KernelWorker($"{_silo.SiloName}/worker-{i + 1}", _silo.TimeProvider, _processes, _logger);
                threads[i] = new Thread(() => Work(worker)) { IsBackground = true, Name = worker.Name };
                threads[i].Start();
            }

            Volatile.Write(ref _threads, threads);
        }
    }

    private void Work(KernelWorker worker)
    {
        try
        {
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                Interlocked.Increment(ref _busy);
                try
                {
                    item.Result.TrySetResult(Run(item, worker));
                }
                catch (Exception exception)
                {
                    // The kernel runner keeps each item's own error; what reaches here (an unknown kernel) fails the chunk, and the job says so per item.
                    item.Result.TrySetException(exception);
                }
                finally
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        }
        finally
        {
            worker.Dispose();
        }
    }

    private ChunkResult Run(WorkItem item, KernelWorker worker)
    {
        var chunk = item.Chunk;
        var runner = _kernels.Get(chunk.Kernel);
        using var activity = GridDiagnostics.Kernels.HasListeners()
            ? GridDiagnostics.Kernels.StartActivity($"grid.kernel {chunk.Kernel}", ActivityKind.Internal, item.Parent)
            : null;
        var kernel = new KeyValuePair<string, object?>(GridTags.Kernel, chunk.Kernel);
        GridDiagnostics.ItemsStarted.Add(chunk.Count, kernel);
        var result = runner.Run(chunk, worker, item.CancellationToken);
        Measure(result, kernel);
        _monitor.ChunkRan(result);
        if (activity is not null)
        {
            Describe(activity, chunk, result, worker.Name);
        }

        return result;
    }

    private static void Measure(ChunkResult result, KeyValuePair<string, object?> kernel)
    {
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        Count(ok, ItemStatus.Ok, kernel);
        Count(failed, ItemStatus.Failed, kernel);
        Count(timedOut, ItemStatus.TimedOut, kernel);
        Count(cancelled, ItemStatus.Cancelled, kernel);
    }

    private static void Count(int items, ItemStatus status, KeyValuePair<string, object?> kernel)
    {
        if (items == 0)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>(GridTags.ItemStatus, GridDiagnostics.StatusTag(status));
        GridDiagnostics.ItemsCompleted.Add(items, kernel, tag);
        if (status != ItemStatus.Ok)
        {
            GridDiagnostics.ItemsFailed.Add(items, kernel, tag);
        }
    }

    private void Describe(Activity activity, Chunk chunk, ChunkResult result, string worker)
    {
        var (ok, _, _, _) = result.CountByStatus();
        activity.SetTag(GridTags.Kernel, chunk.Kernel);
        activity.SetTag(GridTags.JobId, chunk.JobId.ToString());
        activity.SetTag(GridTags.ChunkId, chunk.ChunkId);
        activity.SetTag(GridTags.Silo, _silo.SiloName);
        activity.SetTag(GridTags.Worker, worker);
        activity.SetTag(GridTags.Items, result.Count);
        activity.SetTag(GridTags.Failures, result.Count - ok);
        if (result.Errors is not { } errors || ok == result.Count)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, $"{result.Count - ok} of {result.Count} items did not succeed");
        var described = 0;
        for (var i = 0; i < errors.Length && described < MaxErrorEvents; i++)
        {
            if (errors[i] is { } error)
            {
                described++;
                activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
                {
                    ["exception.type"] = error.Type,
                    ["exception.message"] = error.Message,
                    [GridTags.ItemStatus] = GridDiagnostics.StatusTag(error.Status),
                    ["grid.item.index"] = result.StartIndex + i,
                }));
            }
        }
    }

    private sealed record WorkItem(Chunk Chunk, ActivityContext Parent, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<ChunkResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
