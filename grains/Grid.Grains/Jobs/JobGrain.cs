using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Kernels;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Jobs;

/// <summary>One job: holds its input as the client sends it, cuts it into adaptively sized chunks for the stateless workers, and streams each chunk's results back as it completes.</summary>
/// <remarks>
/// Reentrant, so that the client's input calls, the result stream and the workers' replies interleave at awaits; all of them still
/// run one at a time on the activation's scheduler, so the job's state needs no locks.
/// </remarks>
[Reentrant]
internal sealed partial class JobGrain(
    KernelRegistry kernels,
    IChunkDispatcher dispatcher,
    IGrainRuntime runtime,
    JobMonitor monitor,
    IOptions<JobOptions> options,
    ILogger<JobGrain> logger)
    : StreamingJobGrain(runtime, monitor)
{
    private readonly JobOptions _options = options.Value;
    private readonly Queue<Array> _pending = new();
    private readonly Dictionary<string, WorkerUsage> _usage = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Queue<(Chunk Chunk, int Attempt, ChunkResult Last)> _retryReady = new();
    private readonly CancellationTokenSource _retryWait = new();
    private RetryRules? _retry;
    private int _retriesWaiting;
    private long _retries;
    private long _timeoutRetries;
    private long _crashRetries;
    private ChunkSizer? _sizer;
    private DateTimeOffset? _deadline;
    private int _workers;
    private int _maxInFlight;
    private int _maxChunkSize;
    private long _pendingCount;
    private int _headOffset;
    private long _nextChunkId;
    private int _chunksInFlight;

    /// <summary>Gets whether items wait for a worker, run, or wait to run again.</summary>
    protected override bool HasWork => _pendingCount > 0 || _chunksInFlight > 0 || _retriesWaiting > 0 || _retryReady.Count > 0;

    public override Task StartAsync(JobSpec spec)
    {
        CheckNewJob(spec);
        TimeLimit.ThrowIfNotPositive(spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        TimeLimit.ThrowIfNotPositive(spec.HardItemTimeout, nameof(JobSpec.HardItemTimeout));
        TimeLimit.ThrowIfHardBelowSoft(spec.HardItemTimeout, nameof(JobSpec.HardItemTimeout), spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        if (spec.MaxFailures < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MaxFailures, $"MaxFailures must be 0 or more, or null for no limit; got {spec.MaxFailures}.");
        }

        spec.Retry?.Validate(nameof(JobSpec.Retry));
        var runner = kernels.GetForJob(spec.Kernel, spec.InputType, spec.OutputType);
        TimeLimit.ThrowIfHardBelowSoft(runner.Options.HardTimeout, $"Kernel '{spec.Kernel}''s hard time limit", spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        _retry = (spec.Retry ?? kernels.GetRetry(spec.Kernel)) is { MaxAttempts: > 1 } retry ? new RetryRules(retry) : null;
        _workers = Math.Max(1, dispatcher.WorkerSlots);
        _sizer = new ChunkSizer(_options.TargetChunkDuration, _options.MaxChunkSize);
        _maxInFlight = spec.MaxInFlight > 0 ? spec.MaxInFlight : _options.DefaultMaxInFlight;
        _maxChunkSize = Math.Max(1, _maxInFlight / (_workers * _options.ChunksPerWorker));
        _deadline = spec.JobTimeout is { } timeout ? Runtime.TimeProvider.GetUtcNow() + timeout : null;
        Begin(spec, _workers);
        LogJobStarted(logger, spec.JobId, spec.Kernel, _workers);
        return Task.CompletedTask;
    }

    public override async Task PushAsync(InputBatch batch, CancellationToken cancellationToken)
    {
        if (!await AdmitAsync(batch, _maxInFlight, cancellationToken))
        {
            return;
        }

        if (batch.Items.Length > 0)
        {
            _pending.Enqueue(batch.Items);
            _pendingCount += batch.Items.Length;
            Read += batch.Items.Length;
            Monitor.ItemsRead(Started().JobId, Read);
            Dispatch();
        }
    }

    protected override JobSummary Summarize(JobSpec spec)
    {
        return new JobSummary(
            spec.JobId,
            spec.Kernel,
            Outcome,
            Read,
            Succeeded,
            Failed,
            TimedOut,
            Cancelled,
            WallTime,
            [.. _usage.Values.OrderByDescending(u => u.Busy)])
        {
            Error = Error,
            Retries = _retries,
            TimeoutRetries = _timeoutRetries,
            CrashRetries = _crashRetries,
        };
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        _cancellation.Dispose();
        _retryWait.Dispose();
        return base.OnDeactivateAsync(cancellationToken);
    }

    /// <summary>Called once when the input has ended: the last, smaller chunks can go.</summary>
    protected override void OnInputComplete() => Dispatch();

    /// <summary>Called once when the job stops early: running kernels see their token on cancellation, and waiting items (and items waiting to run again) end.</summary>
    protected override void OnStopping(JobOutcome outcome)
    {
        if (outcome == JobOutcome.Cancelled)
        {
            _cancellation.Cancel();
        }

        _retryWait.Cancel();
        DropPending();
    }

    protected override void LogFinished(JobSummary summary)
        => LogJobFinished(logger, summary.JobId, summary.Outcome, summary.Total, summary.Succeeded, summary.Total - summary.Succeeded, summary.WallTime.TotalSeconds);

    /// <summary>Sends chunks while there are items to run (retries first) and a worker without a chunk waiting.</summary>
    private void Dispatch()
    {
        var spec = Started();
        var capacity = _workers * _options.ChunksPerWorker;
        while (_retryReady.Count > 0 || _pendingCount > 0)
        {
            if (StopOutcome is not null)
            {
                DropPending();
                return;
            }

            if (_chunksInFlight >= capacity)
            {
                return;
            }

            if (_retryReady.TryDequeue(out var retry))
            {
                Send(retry.Chunk, retry.Attempt);
                continue;
            }

            // A chunk is also capped by the job's share of MaxInFlight, so the items held stay within it.
            var size = Math.Min(_sizer!.Next(InputComplete ? _pendingCount : null, _workers), _maxChunkSize);
            if (size > _pendingCount)
            {
                // Wait for more input to fill the chunk, unless a worker would sit idle meanwhile.
                if (!InputComplete && _chunksInFlight >= _workers)
                {
                    return;
                }

                size = (int)_pendingCount;
            }

            var startIndex = Read - _pendingCount;
            Send(new Chunk(spec.JobId, _nextChunkId++, startIndex, spec.Kernel, Take(size, spec.InputType))
            {
                ItemTimeout = spec.ItemTimeout,
                HardItemTimeout = spec.HardItemTimeout,
                Deadline = _deadline,
            }, attempt: 1);
        }
    }

    private void Send(Chunk chunk, int attempt)
    {
        _chunksInFlight++;

        // The chunk's span parents the worker's: make it current just while the call to the worker is made.
        var chunkActivity = JobActivity is null ? null : GridDiagnostics.StartDetached(GridDiagnostics.Jobs, "grid.chunk", ActivityKind.Internal, JobActivity.Context);
        var previous = Activity.Current;
        if (chunkActivity is not null)
        {
            chunkActivity.SetTag(GridTags.ChunkId, chunk.ChunkId);
            chunkActivity.SetTag(GridTags.Items, chunk.Count);
            Activity.Current = chunkActivity;
        }

        _ = RunChunkAsync(chunk, attempt, chunkActivity);
        Activity.Current = previous;
    }

    private async Task RunChunkAsync(Chunk chunk, int attempt, Activity? activity)
    {
        var dispatched = Runtime.TimeProvider.GetUtcNow();
        ChunkResult result;
        try
        {
            result = await dispatcher.RunAsync(chunk, _cancellation.Token);
        }
        catch (Exception exception)
        {
            GridDiagnostics.SetError(activity, exception);
            // The chunk never ran (the silo is stopping, or the worker failed): each item gets the reason, and the job goes on.
            LogChunkFailed(logger, exception, chunk.JobId, chunk.ChunkId);
            result = ChunkResult.NotRun(chunk, ItemError.FromException(exception) with { Detail = null }, worker: "none");
        }

        _chunksInFlight--;
        EndChunkActivity(activity, result, dispatched);
        _sizer!.Observe(result.Count, result.Busy);
        CountUsage(result);
        Settle(chunk, attempt, result, dispatched);
        StopIfTooManyFailures();
        Dispatch();
        FinishIfDone();
    }

    /// <summary>Delivers the items of a chunk's result that have their final outcome, and sets the others (runs of items whose error the retry policy retries) to run again after their backoff.</summary>
    private void Settle(Chunk chunk, int attempt, ChunkResult result, DateTimeOffset dispatched)
    {
        if (attempt > 1)
        {
            var attempts = new int[result.Count];
            Array.Fill(attempts, attempt);
            result = result with { Attempts = attempts };
        }

        if (_retry is not { } retry || result.Errors is not { } errors || !MayRetry(retry, attempt))
        {
            Record(result, dispatched);
            return;
        }

        for (var start = 0; start < result.Count;)
        {
            var retried = retry.CauseOf(errors[start]) is not null;
            var end = start + 1;
            while (end < result.Count && retry.CauseOf(errors[end]) is not null == retried)
            {
                end++;
            }

            var part = start == 0 && end == result.Count ? result : result.Slice(start, end - start);
            if (retried)
            {
                RetryLater(chunk, start, part, attempt + 1);
            }
            else
            {
                Record(part, dispatched);
            }

            start = end;
        }
    }

    private bool MayRetry(RetryRules retry, int attempt)
        => attempt < retry.Policy.MaxAttempts && StopOutcome is null && (_deadline is not { } deadline || Runtime.TimeProvider.GetUtcNow() < deadline);

    /// <summary>Runs the items of <paramref name="last"/> (from <paramref name="offset"/> in <paramref name="chunk"/>) again as a chunk of their own, with their indices, once the backoff before <paramref name="attempt"/> has passed.</summary>
    private void RetryLater(Chunk chunk, int offset, ChunkResult last, int attempt)
    {
        foreach (var error in last.Errors!)
        {
            _retries++;
            switch (_retry!.CauseOf(error))
            {
                case RetryCause.Timeout: _timeoutRetries++; break;
                case RetryCause.Crash: _crashRetries++; break;
            }
        }

        var inputs = Array.CreateInstance(chunk.Inputs.GetType().GetElementType()!, last.Count);
        Array.Copy(chunk.Inputs, offset, inputs, 0, last.Count);
        var again = chunk with { ChunkId = _nextChunkId++, StartIndex = last.StartIndex, Inputs = inputs };
        _retriesWaiting++;
        _ = RetryAfterBackoffAsync(again, attempt, last);
    }

    private async Task RetryAfterBackoffAsync(Chunk chunk, int attempt, ChunkResult last)
    {
        try
        {
            await Task.Delay(_retry!.Policy.DelayBefore(attempt), Runtime.TimeProvider, _retryWait.Token);
        }
        catch (OperationCanceledException)
        {
            // The job stopped while the items waited: their last attempt's outcome is their final one.
        }

        _retriesWaiting--;
        if (StopOutcome is not null)
        {
            Record(last, Runtime.TimeProvider.GetUtcNow());
            FinishIfDone();
            return;
        }

        _retryReady.Enqueue((chunk, attempt, last));
        Dispatch();
    }

    /// <summary>Stops the job once more items have finally failed than the client's <see cref="JobSpec.MaxFailures"/> allows.</summary>
    private void StopIfTooManyFailures()
    {
        if (Started().MaxFailures is { } max && Failed + TimedOut > max)
        {
            Stop(JobOutcome.Failed, $"More items failed ({Failed + TimedOut}) than MaxFailures ({max}) allows, so the job stopped early.");
        }
    }

    private void EndChunkActivity(Activity? activity, ChunkResult result, DateTimeOffset dispatched)
    {
        var queueWait = result.Started > dispatched ? result.Started - dispatched : TimeSpan.Zero;
        var kernel = new KeyValuePair<string, object?>(GridTags.Kernel, Started().Kernel);
        GridDiagnostics.ChunkDuration.Record(result.Busy.TotalSeconds, kernel);
        GridDiagnostics.ChunkQueueWait.Record(queueWait.TotalSeconds, kernel);
        if (activity is null)
        {
            return;
        }

        var (ok, _, _, _) = result.CountByStatus();
        activity.SetTag(GridTags.Worker, result.Worker);
        activity.SetTag(GridTags.QueueWaitMs, queueWait.TotalMilliseconds);
        activity.SetTag(GridTags.Succeeded, ok);
        activity.SetTag(GridTags.Failures, result.Count - ok);
        GridDiagnostics.StopDetached(activity);
    }

    private void CountUsage(ChunkResult result)
    {
        if (result.Busy > TimeSpan.Zero)
        {
            _usage[result.Worker] = _usage.TryGetValue(result.Worker, out var usage)
                ? usage with { Chunks = usage.Chunks + 1, Items = usage.Items + result.Count, Busy = usage.Busy + result.Busy }
                : new WorkerUsage(result.Worker, 1, result.Count, result.Busy);
        }
    }

    /// <summary>Counts and delivers items that have their final outcome.</summary>
    private void Record(ChunkResult result, DateTimeOffset dispatched)
    {
        Monitor.ChunkFinished(result.JobId, result, dispatched);
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        Count(ok, failed, timedOut, cancelled);

        Results.Add(result, Started().Ordered);
    }

    private void DropPending()
    {
        var spec = Started();
        var error = StopOutcome switch
        {
            JobOutcome.TimedOut => new ItemError(ItemStatus.Cancelled, typeof(TimeoutException).FullName!, "The job's time limit passed before the item ran."),
            JobOutcome.Failed => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, $"The job stopped before the item ran: {Error}"),
            _ => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled before the item ran."),
        };

        // Items that were to run again end with their last attempt's outcome.
        while (_retryReady.TryDequeue(out var retry))
        {
            Record(retry.Last, Runtime.TimeProvider.GetUtcNow());
        }

        while (_pendingCount > 0)
        {
            var size = (int)Math.Min(_pendingCount, _options.MaxChunkSize);
            var chunk = new Chunk(spec.JobId, _nextChunkId++, Read - _pendingCount, spec.Kernel, Take(size, spec.InputType));
            Record(ChunkResult.NotRun(chunk, error, worker: "none"), Runtime.TimeProvider.GetUtcNow());
        }
    }

    /// <summary>Takes the next <paramref name="count"/> pending items as one array, copying only when they are not exactly one whole batch.</summary>
    private Array Take(int count, Type inputType)
    {
        var head = _pending.Peek();
        if (_headOffset == 0 && head.Length == count)
        {
            _pending.Dequeue();
            _pendingCount -= count;
            return head;
        }

        var chunk = Array.CreateInstance(head.GetType().GetElementType() ?? inputType, count);
        var filled = 0;
        while (filled < count)
        {
            head = _pending.Peek();
            var n = Math.Min(head.Length - _headOffset, count - filled);
            Array.Copy(head, _headOffset, chunk, filled, n);
            filled += n;
            _headOffset += n;
            if (_headOffset == head.Length)
            {
                _pending.Dequeue();
                _headOffset = 0;
            }
        }

        _pendingCount -= count;
        return chunk;
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Job {JobId} started: kernel {Kernel} on {Workers} workers")]
    private static partial void LogJobStarted(ILogger logger, Guid jobId, string kernel, int workers);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Job {JobId} {Outcome}: {Items} items, {Succeeded} succeeded, {NotSucceeded} did not, in {Seconds:0.###} s")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, JobOutcome outcome, long items, long succeeded, long notSucceeded, double seconds);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Chunk {ChunkId} of job {JobId} could not run")]
    private static partial void LogChunkFailed(ILogger logger, Exception exception, Guid jobId, long chunkId);
}
