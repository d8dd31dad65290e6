using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Kernels;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;
using Grid.Workers;
using Microsoft.Extensions.Options;
using Grid.Serialization;
using Orleans.Configuration;

namespace Grid.Jobs;

/// <summary>One job: holds its input as the client sends it, cuts it into adaptively sized chunks as the silos' worker pools pull them, and streams each chunk's results back as it completes.</summary>
/// <remarks>
/// <para>
/// Reentrant, so that the client's input calls, the result stream, the pools' pulls and their results interleave at awaits; all of them
/// still run one at a time on the activation, so the job's state needs no locks.
/// </para>
/// <para>
/// Work spreads by pull: the job offers itself to the pool of every active silo (and of every silo that joins while it runs); a pool
/// takes chunks while its workers can, so an idle or faster silo takes more. The job knows which silo holds which chunk; when Orleans
/// membership declares that silo dead, its chunks are handed out again, and a late result of a chunk already settled is dropped, so
/// each item's result is delivered once.
/// </para>
/// </remarks>
[Reentrant]
internal sealed partial class JobGrain(
    KernelRegistry kernels,
    IGridSilo runtime,
    IClusterMembershipService membership,
    JobMonitor monitor,
    IOptions<JobOptions> options,
    IOptions<SiloMessagingOptions> messaging,
    ILogger<JobGrain> logger)
    : StreamingJobGrain(runtime, monitor), IMapJobGrain, IChunkSource
{
    private const int OfferAttempts = 10;
    private const int MaxOfferAttempts = 120;
    private static readonly TimeSpan OfferRetryDelay = TimeSpan.FromMilliseconds(500);
    private readonly JobOptions _options = options.Value;
    private readonly Queue<InputBatch> _pending = new();
    private readonly int _budget = PayloadSize.BudgetOf(messaging.Value.MaxMessageBodySize);
    private readonly Dictionary<string, WorkerUsage> _usage = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Assignment> _assigned = [];
    private readonly Dictionary<string, int> _pools = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waitingPools = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _watch = new();
    private readonly Queue<(Chunk Chunk, int Attempt, ChunkResult Last)> _retryReady = new();
    private readonly CancellationTokenSource _retryWait = new();
    private RetryRules? _retry;
    private int _retriesWaiting;
    private long _retries;
    private long _timeoutRetries;
    private long _crashRetries;
    private ChunkSizer? _sizer;
    private int _workers;
    private int _maxInFlight;
    private int _maxChunkSize;
    private long _pendingCount;
    private int _headOffset;
    private long _nextChunkId;
    private int? _itemBytes;

    protected override TimeSpan ClientTimeout => _options.ClientTimeout;

    /// <summary>Gets whether items wait for a worker, run, or wait to run again.</summary>
    protected override bool HasWork => _pendingCount > 0 || _assigned.Count > 0 || _retriesWaiting > 0 || _retryReady.Count > 0;

    // Workers of every pool that has pulled, or this silo's count for each active silo until they have.
    private int Workers => Math.Max(1, _pools.Count > 0 ? _pools.Values.Sum() : Runtime.MaxWorkers);

    public override Task StartAsync(JobSpec spec)
    {
        CheckNewJob(spec);
        JobSpecRules.CheckMap(spec, kernels);
        _retry = (spec.Retry ?? kernels.GetRetry(spec.Kernel)) is { MaxAttempts: > 1 } retry ? new RetryRules(retry) : null;
        var silos = ActiveSilos().ToList();
        _workers = Math.Max(1, Runtime.MaxWorkers * silos.Count);
        _sizer = new ChunkSizer(_options.TargetChunkDuration, _options.MaxChunkSize);
        _maxInFlight = spec.MaxInFlight > 0 ? spec.MaxInFlight : _options.DefaultMaxInFlight;
        _maxChunkSize = Math.Max(1, _maxInFlight / (_workers * _options.ChunksPerWorker));
        _itemBytes = PayloadSize.FixedSizeOf(spec.InputType);
        Begin(spec, _workers);
        LogJobStarted(logger, spec.JobId, spec.Kernel, _workers);
        OfferToAll();
        _ = WatchMembershipAsync(_watch.Token);
        return Task.CompletedTask;
    }

    public Task<Immutable<Chunk[]>> TakeChunksAsync(string silo, int slots, int max)
    {
        if (!IsStarted || Finished || !IsActive(silo))
        {
            // A pull that reaches a job that has ended (or an activation that never ran one) takes nothing, and so does a pull from
            // a silo that membership no longer lists as active: a leaving silo still runs for a moment after it is declared dead,
            // and a chunk it took then would never be handed out again.
            return Task.FromResult(new Immutable<Chunk[]>([]));
        }

        _pools[silo] = Math.Max(1, slots);
        _workers = Workers;
        var taken = new List<Chunk>(Math.Min(max, 16));
        while (taken.Count < max && NextChunk() is { } next)
        {
            var (chunk, attempt) = next;
            var activity = StartChunkActivity(chunk);
            if (activity is not null)
            {
                // The kernel span on the pool's silo continues the chunk's span.
                chunk = chunk with { TraceParent = activity.Id };
            }

            taken.Add(chunk);
            _assigned[chunk.ChunkId] = new Assignment(chunk, attempt, silo, Runtime.TimeProvider.GetUtcNow(), activity);
        }

        if (taken.Count == 0)
        {
            _waitingPools.Add(silo);
        }

        return Task.FromResult(new Immutable<Chunk[]>([.. taken]));
    }

    public Task CompleteChunksAsync(string silo, Immutable<ChunkResult[]> results)
    {
        foreach (var result in results.Value)
        {
            // Only the silo that holds the chunk now settles it: a chunk handed out again after its silo was declared dead is not
            // counted twice. A large result comes in parts, each settled as it comes; the chunk is done once they cover its items.
            if (_assigned.TryGetValue(result.ChunkId, out var assignment) && string.Equals(assignment.Silo, silo, StringComparison.Ordinal))
            {
                assignment.Remaining -= result.Count;
                if (assignment.Remaining <= 0)
                {
                    _assigned.Remove(result.ChunkId);
                }

                Settle(assignment, result);
            }
        }

        OfferWork();
        FinishIfDone();
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
            // Items of a type that varies in size come measured by the client; a batch without sizes (sent again after a failover) is measured here.
            if (_itemBytes is null && batch.Sizes?.Length != batch.Items.Length)
            {
                batch = batch with { Sizes = PayloadSize.SizesOf(batch.Items) };
            }

            _pending.Enqueue(batch);
            _pendingCount += batch.Items.Length;
            Read += batch.Items.Length;
            Monitor.ItemsRead(Started().JobId, Read);
            OfferWork();
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _watch.Cancel();
        _watch.Dispose();
        _retryWait.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Called once when the input has ended: the last, smaller chunks can go.</summary>
    protected override void OnInputComplete() => OfferWork();

    /// <summary>Called once when the job stops early: running kernels see their token on cancellation, and waiting items (and items waiting to run again) end.</summary>
    protected override void OnStopping(JobOutcome outcome)
    {
        if (outcome == JobOutcome.Cancelled)
        {
            // Running kernels see their token: tell each pool that holds a chunk of the job.
            foreach (var silo in _assigned.Values.Select(a => a.Silo).Distinct(StringComparer.Ordinal))
            {
                GrainFactory.GetGrain<IWorkerPoolGrain>(silo).CancelJobAsync(Started().JobId, Error ?? "The job was cancelled.").Ignore();
            }
        }

        _watch.Cancel();
        _retryWait.Cancel();
        DropPending();
    }

    protected override void LogFinished(JobSummary summary)
        => LogJobFinished(logger, summary.JobId, summary.Outcome, summary.Total, summary.Succeeded, summary.Total - summary.Succeeded, summary.WallTime.TotalSeconds, summary.Error ?? "no error");

    /// <summary>Cuts the next chunk to hand out (items to run again first), or returns <see langword="null"/> when none should go now.</summary>
    private (Chunk Chunk, int Attempt)? NextChunk()
    {
        var spec = Started();
        if (StopOutcome is not null)
        {
            DropPending();
            return null;
        }

        if (_retryReady.TryDequeue(out var retry))
        {
            return (retry.Chunk, retry.Attempt);
        }

        if (_pendingCount == 0)
        {
            return null;
        }

        // A chunk is also capped by the job's share of MaxInFlight, so the items held stay within it.
        var size = Math.Min(_sizer!.Next(InputComplete ? _pendingCount : null, _workers), _maxChunkSize);
        if (size > _pendingCount)
        {
            // Wait for more input to fill the chunk, unless a worker would sit idle meanwhile.
            if (!InputComplete && _assigned.Count >= _workers)
            {
                return null;
            }

            size = (int)_pendingCount;
        }

        // A chunk also stays within one message's budget in bytes.
        size = WithinBudget(size);

        var startIndex = Read - _pendingCount;
        var chunk = new Chunk(spec.JobId, _nextChunkId++, startIndex, spec.Kernel, Take(size, spec.InputType))
        {
            ItemTimeout = spec.ItemTimeout,
            HardItemTimeout = spec.HardItemTimeout,
            Deadline = Deadline,
        };
        return (chunk, 1);
    }

    /// <summary>Tells the pools that found nothing to take that the job has work again.</summary>
    private void OfferWork()
    {
        if (_waitingPools.Count == 0 || StopOutcome is not null || (_pendingCount == 0 && _retryReady.Count == 0))
        {
            return;
        }

        foreach (var silo in _waitingPools)
        {
            Offer(silo);
        }

        _waitingPools.Clear();
    }

    private Activity? StartChunkActivity(Chunk chunk)
    {
        if (JobActivity is null)
        {
            return null;
        }

        var activity = GridDiagnostics.StartDetached(GridDiagnostics.Jobs, "grid.chunk", ActivityKind.Internal, JobActivity.Context);
        activity?.SetTag(GridTags.ChunkId, chunk.ChunkId);
        activity?.SetTag(GridTags.Items, chunk.Count);
        return activity;
    }

    private void Settle(Assignment assignment, ChunkResult result)
    {
        assignment.Succeeded += result.CountByStatus().Ok;
        if (assignment.Remaining <= 0)
        {
            EndChunkActivity(assignment, result);
        }

        _sizer!.Observe(result.Count, result.Busy);
        CountUsage(result);
        Settle(assignment.Chunk, assignment.Attempt, result, assignment.Dispatched);
        StopIfTooManyFailures();
    }

    /// <summary>Offers the job to every active silo's pool, and while the job runs follows membership: a silo that joins is offered the job, the chunks of a silo declared dead go out again.</summary>
    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        // The job offered itself to the silos active when it started; each silo is offered once more on joining, and reclaimed once on dying.
        var offered = new HashSet<SiloAddress>(ActiveSilos());
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status == SiloStatus.Active && offered.Add(member.SiloAddress))
                    {
                        Offer(WorkerPools.KeyOf(member.SiloAddress));
                    }
                    else if (member.Status == SiloStatus.Dead && dead.Add(member.SiloAddress))
                    {
                        // Whether or not this loop saw it active: a silo that left between the job's start and this loop's first snapshot may hold chunks too.
                        Reclaim(WorkerPools.KeyOf(member.SiloAddress));
                    }
                }

                if (Finished)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job has ended or stopped: nothing more to follow.
        }
    }

    /// <summary>Hands the chunks <paramref name="silo"/> held out again, each with the attempt it had, and forgets its pool.</summary>
    private void Reclaim(string silo)
    {
        _pools.Remove(silo);
        _waitingPools.Remove(silo);
        var lost = _assigned.Values.Where(a => string.Equals(a.Silo, silo, StringComparison.Ordinal)).OrderBy(a => a.Chunk.ChunkId).ToList();
        if (lost.Count == 0)
        {
            return;
        }

        LogChunksReclaimed(logger, Started().JobId, lost.Count, silo);
        foreach (var assignment in lost)
        {
            _assigned.Remove(assignment.Chunk.ChunkId);
            GridDiagnostics.StopDetached(assignment.Activity);

            // The parts of its result that came back are delivered: only the items after them go out again.
            var chunk = assignment.Chunk.From(assignment.Chunk.Count - assignment.Remaining);
            if (StopOutcome is not null)
            {
                Record(ChunkResult.NotRun(chunk, StoppedError(), worker: "none"), Runtime.TimeProvider.GetUtcNow());
                continue;
            }

            _retryReady.Enqueue((chunk, assignment.Attempt, ChunkResult.NotRun(chunk, StoppedError(), worker: "none")));
        }

        OfferToAll();
        FinishIfDone();
    }

    private void OfferToAll()
    {
        foreach (var member in ActiveSilos())
        {
            Offer(WorkerPools.KeyOf(member));
        }

        _waitingPools.Clear();
    }

    // Offers the job to a silo's pool; an offer that cannot be placed yet (the silo joined a moment ago) is made again, a few times.
    private void Offer(string silo) => _ = OfferAsync(silo);

    private async Task OfferAsync(string silo)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await GrainFactory.GetGrain<IWorkerPoolGrain>(silo).OfferAsync(Started().JobId);
                return;
            }
            catch (Exception exception) when (!Finished && exception is not OperationCanceledException && (attempt < OfferAttempts || (attempt < MaxOfferAttempts && IsActive(silo))))
            {
                // A pool that cannot be reached yet (the silo joined a moment ago, or the pools' directory is taking over the
                // entries of a silo that left) is offered the job again while membership lists its silo as active.
                await Task.Delay(OfferRetryDelay, Runtime.TimeProvider);
            }
            catch (Exception exception)
            {
                // The silo is gone or the job has ended: its pool takes nothing of this job, and membership says when a silo comes back.
                LogOfferFailed(logger, exception, Started().JobId, silo);
                return;
            }
        }
    }

    // Whether membership lists the silo of the pool key as active now.
    private bool IsActive(string silo)
        => WorkerPools.SiloOf(silo) is { } address
            && membership.CurrentSnapshot.Members.TryGetValue(address, out var member)
            && member.Status == SiloStatus.Active;

    private IEnumerable<SiloAddress> ActiveSilos()
        => membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

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

        // A part of a chunk's result begins this far into the chunk's items.
        var offset = (int)(result.StartIndex - chunk.StartIndex);
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
                RetryLater(chunk, offset + start, part, attempt + 1);
            }
            else
            {
                Record(part, dispatched);
            }

            start = end;
        }
    }

    private bool MayRetry(RetryRules retry, int attempt)
        => attempt < retry.Policy.MaxAttempts && StopOutcome is null && (Deadline is not { } deadline || Runtime.TimeProvider.GetUtcNow() < deadline);

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
        OfferWork();
    }

    /// <summary>Stops the job once more items have finally failed than the client's <see cref="JobSpec.MaxFailures"/> allows.</summary>
    private void StopIfTooManyFailures()
    {
        if (Started().MaxFailures is { } max && Failed + TimedOut > max)
        {
            Stop(JobOutcome.Failed, $"More items failed ({Failed + TimedOut}) than MaxFailures ({max}) allows, so the job stopped early.");
        }
    }

    private void EndChunkActivity(Assignment assignment, ChunkResult result)
    {
        var (activity, dispatched) = (assignment.Activity, assignment.Dispatched);
        var queueWait = result.Started > dispatched ? result.Started - dispatched : TimeSpan.Zero;
        var kernel = new KeyValuePair<string, object?>(GridTags.Kernel, Started().Kernel);
        GridDiagnostics.ChunkDuration.Record(result.Busy.TotalSeconds, kernel);
        GridDiagnostics.ChunkQueueWait.Record(queueWait.TotalSeconds, kernel);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(GridTags.Worker, result.Worker);
        activity.SetTag(GridTags.QueueWaitMs, queueWait.TotalMilliseconds);
        activity.SetTag(GridTags.Succeeded, assignment.Succeeded);
        activity.SetTag(GridTags.Failures, assignment.Chunk.Count - assignment.Succeeded);
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
        var error = StoppedError();

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

    // The error of an item that never ran because the job stopped.
    private ItemError StoppedError() => StopOutcome switch
    {
        JobOutcome.TimedOut => new ItemError(ItemStatus.Cancelled, typeof(TimeoutException).FullName!, "The job's time limit passed before the item ran."),
        JobOutcome.Failed => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, $"The job stopped before the item ran: {Error}"),
        _ => new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled before the item ran."),
    };

    /// <summary>Returns how many of the next <paramref name="count"/> pending items fit in one message's budget: at least one, since an item over it travels alone.</summary>
    private int WithinBudget(int count)
    {
        if (_itemBytes is { } itemBytes)
        {
            return (int)Math.Clamp(_budget / itemBytes, 1, count);
        }

        long bytes = 0;
        var taken = 0;
        var offset = _headOffset;
        foreach (var batch in _pending)
        {
            var sizes = batch.Sizes!;
            for (var i = offset; i < sizes.Length && taken < count; i++)
            {
                if (taken > 0 && bytes + sizes[i] > _budget)
                {
                    return taken;
                }

                bytes += sizes[i];
                taken++;
            }

            offset = 0;
            if (taken == count)
            {
                break;
            }
        }

        return Math.Max(1, taken);
    }

    /// <summary>Takes the next <paramref name="count"/> pending items as one array, copying only when they are not exactly one whole batch.</summary>
    private Array Take(int count, Type inputType)
    {
        var head = _pending.Peek().Items;
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
            head = _pending.Peek().Items;
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

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Job {JobId} {Outcome}: {Items} items, {Succeeded} succeeded, {NotSucceeded} did not, in {Seconds:0.###} s ({Error})")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, JobOutcome outcome, long items, long succeeded, long notSucceeded, double seconds, string error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Job {JobId}: {Chunks} chunks held by silo {Silo}, which membership declared dead, go out again")]
    private static partial void LogChunksReclaimed(ILogger logger, Guid jobId, int chunks, string silo);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Job {JobId} could not offer its work to the pool of silo {Silo}")]
    private static partial void LogOfferFailed(ILogger logger, Exception exception, Guid jobId, string silo);

    // One chunk out on a pool: what it is, which attempt, which silo holds it, since when, its span, and how many of its items have no result yet.
    private sealed record Assignment(Chunk Chunk, int Attempt, string Silo, DateTimeOffset Dispatched, Activity? Activity)
    {
        public int Remaining { get; set; } = Chunk.Count;

        public int Succeeded { get; set; }
    }
}
