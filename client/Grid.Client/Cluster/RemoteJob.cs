using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Fetch;
using Grid.Jobs;

namespace Grid.Client.Cluster;

/// <summary>A job run by some silo of the cluster, seen by the client as a job grain: the map session drives it exactly as it drives a local one.</summary>
/// <remarks>
/// The client keeps every input batch until all its items have results. When another silo claims the job (its first silo died or lost
/// the broker), the client sends the kept batches again and the job goes on; results of items that already had one are dropped
/// (<see cref="ResultLedger"/>), so each item's result reaches the caller exactly once.
/// </remarks>
internal sealed class RemoteJob : IJobGrain
{
    private readonly ClusterConnection _connection;
    private readonly Lock _gate = new();
    private readonly LinkedList<Batch> _kept = new();
    private readonly ResultLedger _ledger = new();
    private readonly Channel<(ChunkResult Result, Guid Claim)> _results = Channel.CreateUnbounded<(ChunkResult, Guid)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _sendTurn = new(1, 1);
    private readonly TaskCompletionSource<JobSummary> _summary = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private TaskCompletionSource<Claim> _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Claim? _claim;
    private JobSpec? _spec;
    private long _read;
    private long _sequence;
    private int _claims;
    private bool _inputsComplete;
    private string? _inputError;
    private long _succeeded, _failed, _timedOut, _cancelled, _retries;

    public RemoteJob(ClusterConnection connection, Guid jobId)
    {
        _connection = connection;
        JobId = jobId;
    }

    public Guid JobId { get; }

    public async Task StartAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Interlocked.CompareExchange(ref _spec, spec, null) is not null)
        {
            throw new GridException($"Job {spec.JobId} has already been started.");
        }

        var start = new JobStartMessage(
            JobId,
            spec.Kernel,
            TypeNames.Of(spec.InputType),
            TypeNames.Of(spec.OutputType),
            spec.ItemTimeout,
            spec.JobTimeout,
            spec.JobTimeout is { } timeout ? DateTimeOffset.UtcNow + timeout : null,
            spec.Ordered,
            spec.MaxInFlight,
            _connection.MemberId,
            _connection.Inbox,
            spec.Fetch is { } fetch ? ItemCodec.EncodeValue(fetch, typeof(FetchJobSettings)) : [],
            spec.Retry,
            spec.MaxFailures,
            spec.HardItemTimeout);
        _connection.Register(this);
        await _connection.Broker.PublishAsync(string.Empty, _connection.Broker.Topology.JobQueue, start, new PublishProperties(Persistent: true, Parent: Activity.Current?.Context)).ConfigureAwait(false);
        await _connection.WaitForSiloAsync(_claimed.Task, $"job {JobId}").ConfigureAwait(false);
    }

    public async Task PushAsync(InputBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var kept = new Batch(batch.StartIndex, batch.Items);
        lock (_gate)
        {
            _kept.AddLast(kept);
            _read = batch.StartIndex + batch.Items.Length;
        }

        while (true)
        {
            var claim = await _claimed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _sendTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!ReferenceEquals(claim, _claim))
                {
                    continue;
                }

                if (kept.Claim != claim.Id)
                {
                    await SendAsync(kept, claim).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendTurn.Release();
            }

            // A claim that is superseded before the batch's answer comes sends the batch again itself; wait for that one.
            var done = await Task.WhenAny(kept.Answer!.Task, claim.Superseded.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (done == kept.Answer.Task)
            {
                if (kept.Answer.Task.Result is { } error)
                {
                    throw new GridException(error);
                }

                return;
            }
        }
    }

    public async Task CompleteInputsAsync(string? inputError)
    {
        Claim? claim;
        lock (_gate)
        {
            _inputsComplete = true;
            _inputError = inputError;
            claim = _claim;
        }

        if (claim is null)
        {
            return;
        }

        await _sendTurn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(claim, _claim))
            {
                await SendCompleteAsync(claim).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendTurn.Release();
        }
    }

    public async IAsyncEnumerable<ChunkResult> ReadResultsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _results.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_results.Reader.TryRead(out var entry))
            {
                yield return entry.Result;

                // The caller has taken the chunk: give the job's silo credit for it.
                await _connection.SendToOwnerAsync(this, new JobSignalMessage(MessageKinds.Consumed, JobId, entry.Claim, entry.Result.Count)).ConfigureAwait(false);
            }
        }
    }

    public Task CancelAsync(string reason) => _connection.CancelJobAsync(JobId, reason);

    public Task<JobSummary> GetSummaryAsync() => _summary.Task;

    /// <summary>Gets the current owner's inbox and claim, or <see langword="null"/> while no silo has claimed the job.</summary>
    internal Claim? CurrentClaim => Volatile.Read(ref _claim);

    /// <summary>A silo claimed the job, for the first time or anew: from now on input goes to it, starting with every batch that lacks results.</summary>
    internal void OnClaimed(JobClaimedMessage claimed)
    {
        if (claimed.Error is not null)
        {
            var failure = new GridException(claimed.Error);
            _claimed.TrySetException(failure);
            _results.Writer.TryComplete(failure);
            _summary.TrySetException(failure);
            return;
        }

        Claim next;
        Claim? previous;
        lock (_gate)
        {
            if (_claim?.Id == claimed.Claim)
            {
                return;
            }

            previous = _claim;
            next = new Claim(claimed.Claim, claimed.OwnerInbox, claimed.Silo);
            _claim = next;
            _claims++;
            if (_claimed.Task.IsCompleted)
            {
                _claimed = new TaskCompletionSource<Claim>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        previous?.Superseded.TrySetResult();
        _ = ResumeAsync(next, isFirst: previous is null);
    }

    /// <summary>Takes a chunk of results from the job's silo, keeping only items that had none.</summary>
    internal void OnResults(ChunkResultMessage message)
    {
        var spec = _spec;
        if (spec is null)
        {
            return;
        }

        var result = message.ToChunkResult(spec.OutputType);
        List<(int Offset, int Length)> runs;
        lock (_gate)
        {
            runs = _ledger.Add(result.StartIndex, result.Count);
            while (_kept.First is { } first && first.Value.End <= _ledger.Floor)
            {
                _kept.RemoveFirst();
            }
        }

        foreach (var (offset, length) in runs)
        {
            var part = offset == 0 && length == result.Count ? result : result.Slice(offset, length);
            Tally(part);
            _results.Writer.TryWrite((part, message.Claim));
        }

        if (runs.Count == 0 || runs.Sum(r => r.Length) < result.Count)
        {
            // Items that already had a result still took credit at the silo.
            var dropped = result.Count - runs.Sum(r => r.Length);
            _ = _connection.SendToOwnerAsync(this, new JobSignalMessage(MessageKinds.Consumed, JobId, message.Claim, dropped));
        }
    }

    /// <summary>The job ended on its silo: ends the results with the job's summary (counted here when more than one silo ran the job).</summary>
    internal void OnEnded(JobEndedMessage ended)
    {
        if (ended.Summary is { } summary)
        {
            if (_claims > 1)
            {
                summary = summary with
                {
                    Total = Interlocked.Read(ref _read),
                    Succeeded = _succeeded,
                    Failed = _failed,
                    TimedOut = _timedOut,
                    Cancelled = _cancelled,

                    // Attempts are counted from the results; which failure each retry followed is known only to the silos, so those counts are the last one's.
                    Retries = _retries,
                    WallTime = Stopwatch.GetElapsedTime(_startedAt),
                };
            }

            _summary.TrySetResult(summary);
        }

        if (ended.ErrorMessage is { } error)
        {
            var failure = new GridException(error);
            _summary.TrySetException(failure);
            _results.Writer.TryComplete(failure);
        }
        else
        {
            _results.Writer.TryComplete();
        }

        _claimed.TrySetException(new GridException($"Job {JobId} has ended."));
        _connection.Unregister(this);
    }

    /// <summary>Takes the answer to a batch.</summary>
    internal void OnReply(JobReplyMessage reply)
    {
        lock (_gate)
        {
            foreach (var batch in _kept)
            {
                if (batch.Claim == reply.Claim && batch.Sequences.Contains(reply.Sequence))
                {
                    if (reply.Error is not null || --batch.Unanswered == 0)
                    {
                        batch.Answer?.TrySetResult(reply.Error);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>Fails the job from the client's side: the broker or the cluster is gone for good.</summary>
    internal void Fail(Exception failure)
    {
        _claimed.TrySetException(failure);
        _results.Writer.TryComplete(failure);
        _summary.TrySetException(failure);
    }

    private async Task ResumeAsync(Claim claim, bool isFirst)
    {
        await _sendTurn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!isFirst)
            {
                Batch[] kept;
                lock (_gate)
                {
                    kept = [.. _kept];
                }

                foreach (var batch in kept)
                {
                    await SendAsync(batch, claim).ConfigureAwait(false);
                }
            }

            bool complete;
            lock (_gate)
            {
                complete = _inputsComplete;
            }

            if (complete)
            {
                await SendCompleteAsync(claim).ConfigureAwait(false);
            }
        }
        catch (BrokerUnavailableException)
        {
            // The connection dropped again; the next claim sends everything once more.
        }
        finally
        {
            _sendTurn.Release();
        }

        _claimed.TrySetResult(claim);
    }

    /// <summary>Sends the batch's items that have no result yet, one message per run of them; the batch is answered once every run is.</summary>
    private async Task SendAsync(Batch batch, Claim claim)
    {
        List<(int Offset, int Length)> runs;
        lock (_gate)
        {
            runs = _ledger.Missing(batch.Start, batch.Items.Length);
            batch.Claim = claim.Id;
            batch.Answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            batch.Sequences = runs.Select(_ => Interlocked.Increment(ref _sequence)).ToList();
            batch.Unanswered = runs.Count;
            if (runs.Count == 0)
            {
                batch.Answer.TrySetResult(null);
            }
        }

        for (var i = 0; i < runs.Count; i++)
        {
            var (offset, length) = runs[i];
            var items = offset == 0 && length == batch.Items.Length ? batch.Items : Part(batch.Items, offset, length);
            var push = new PushMessage(JobId, claim.Id, batch.Sequences[i], batch.Start + offset, length, ItemCodec.Encode(items));
            await _connection.Broker.PublishAsync(string.Empty, claim.OwnerInbox, push).ConfigureAwait(false);
        }
    }

    private static Array Part(Array items, int offset, int length)
    {
        var part = Array.CreateInstance(items.GetType().GetElementType()!, length);
        Array.Copy(items, offset, part, 0, length);
        return part;
    }

    private Task SendCompleteAsync(Claim claim)
    {
        long next;
        string? error;
        lock (_gate)
        {
            next = _read;
            error = _inputError;
        }

        return _connection.Broker.PublishAsync(string.Empty, claim.OwnerInbox, new CompleteInputsMessage(JobId, claim.Id, next, error));
    }

    private void Tally(ChunkResult result)
    {
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        _succeeded += ok;
        _failed += failed;
        _timedOut += timedOut;
        _cancelled += cancelled;
        if (result.Attempts is { } attempts)
        {
            foreach (var attempt in attempts)
            {
                _retries += attempt - 1;
            }
        }
    }

    /// <summary>One silo's claim of the job.</summary>
    internal sealed class Claim(Guid id, string ownerInbox, string silo)
    {
        public Guid Id => id;

        public string OwnerInbox => ownerInbox;

        public string Silo => silo;

        /// <summary>Completes when another claim replaces this one.</summary>
        public TaskCompletionSource Superseded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>An input batch kept until all its items have results, with the claim and the sequence numbers of the runs it was last sent as.</summary>
    private sealed class Batch(long start, Array items)
    {
        public long Start => start;

        public Array Items => items;

        public long End => start + items.Length;

        public Guid Claim { get; set; }

        public List<long> Sequences { get; set; } = [];

        public int Unanswered { get; set; }

        public TaskCompletionSource<string?>? Answer { get; set; }
    }
}
