using System.Diagnostics;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Diagnostics;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.Logging;

namespace Grid.Cluster.Silo;

/// <summary>One job this silo owns for a remote client: feeds the client's input to a local job grain and streams the grain's results back under a credit window.</summary>
/// <remarks>
/// Item indices on the wire are the client's. A job claimed anew after its first silo died gets only the items that had no result
/// yet, in runs with gaps between them; the grain numbers its input densely, and <see cref="IndexMap"/> maps its indices back.
/// </remarks>
internal sealed partial class OwnedJob
{
    private readonly JobOwner _owner;
    private readonly ClusterMember _member;
    private readonly JobStartMessage _start;
    private readonly KernelInfo _kernel;
    private readonly IJobGrain _grain;
    private readonly CreditWindow _window;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _claimedAt;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inputTurn = new(1, 1);
    private readonly TaskCompletionSource _endAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan? _jobTimeout;
    private readonly FetchJobSettings? _fetch;
    private readonly IndexMap _indices = new();
    private volatile bool _heard;
    private volatile bool _dropped;
    private volatile string? _cancelReason;
    private int _settled;

    public OwnedJob(
        JobOwner owner,
        ClusterMember member,
        Delivery delivery,
        JobStartMessage start,
        KernelInfo kernel,
        FetchJobSettings? fetch,
        IGrainFactory grains,
        JobOptions options,
        TimeProvider time,
        ILogger logger)
    {
        _owner = owner;
        _member = member;
        Delivery = delivery;
        _start = start;
        _kernel = kernel;
        _time = time;
        _logger = logger;
        _claimedAt = time.GetTimestamp();
        Claim = Guid.NewGuid();
        _fetch = fetch;
        _grain = fetch is null ? grains.GetGrain<IJobGrain>(Claim) : grains.GetGrain<IFetchGrain>(Claim);
        _window = new CreditWindow(start.MaxInFlight > 0 ? start.MaxInFlight : options.DefaultMaxInFlight);
        _jobTimeout = start.Deadline is { } deadline
            ? TimeSpan.FromTicks(Math.Max((deadline - time.GetUtcNow()).Ticks, TimeSpan.TicksPerMillisecond))
            : null;
    }

    public Guid JobId => _start.JobId;

    public Guid Claim { get; }

    public Guid ClientId => _start.ClientId;

    public Delivery Delivery { get; }

    public TimeSpan Age => _time.GetElapsedTime(_claimedAt);

    /// <summary>Starts the grain, tells the client where its job is, and streams the results until the job ends.</summary>
    public async Task RunAsync()
    {
        var activity = GridDiagnostics.StartDetached(GridDiagnostics.Runtime, $"grid.claim {_start.Kernel}", ActivityKind.Consumer, Delivery.Parent);
        activity?.SetTag(GridTags.JobId, JobId.ToString());
        activity?.SetTag(GridTags.Silo, _member.Name);
        var previous = Activity.Current;
        Activity.Current = activity;
        try
        {
            var spec = new JobSpec(JobId, _start.Kernel, _kernel.InputType, _kernel.OutputType)
            {
                ItemTimeout = _start.ItemTimeout,
                HardItemTimeout = _start.HardItemTimeout,
                JobTimeout = _jobTimeout,
                Ordered = _start.Ordered,
                MaxInFlight = _start.MaxInFlight,
                Fetch = _fetch,
                Retry = _start.Retry,
                MaxFailures = _start.MaxFailures,
            };
            try
            {
                await _grain.StartAsync(spec).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is GridException or ArgumentException)
            {
                await SendAsync(new JobClaimedMessage(JobId, Claim, _member.Inbox, _member.Name, exception.Message)).ConfigureAwait(false);
                await SettleAsync().ConfigureAwait(false);
                return;
            }

            _ = AnnounceAsync();
            await StreamResultsAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (_dropped || exception is BrokerUnavailableException)
        {
            // The job was handed on or its connection is gone: the silo that claims it next answers the client.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogJobFailed(_logger, exception, JobId);
        }
        finally
        {
            Activity.Current = previous;
            GridDiagnostics.StopDetached(activity);
        }
    }

    public void Push(PushMessage push)
    {
        _heard = true;
        _ = RunInputTurnAsync(async () =>
        {
            string? error = null;
            try
            {
                var items = ItemCodec.Decode(push.Items, _kernel.InputType, push.Count);
                var start = _indices.Append(push.StartIndex, push.Count);
                await _grain.PushAsync(new InputBatch(start, items), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is GridException or ArgumentException)
            {
                error = exception.Message;
            }

            await SendAsync(new JobReplyMessage(JobId, Claim, push.Sequence, error)).ConfigureAwait(false);
        });
    }

    public void CompleteInputs(CompleteInputsMessage complete)
    {
        _heard = true;
        _ = RunInputTurnAsync(async () =>
        {
            await _grain.CompleteInputsAsync(complete.InputError).ConfigureAwait(false);
        });
    }

    public void Signal(JobSignalMessage signal)
    {
        _heard = true;
        if (signal.Kind == MessageKinds.Consumed)
        {
            _window.Release(signal.Value);
        }
        else
        {
            _endAcknowledged.TrySetResult();
        }
    }

    public void Cancel(string reason)
    {
        _cancelReason = reason;
        _ = _grain.CancelAsync(reason);
    }

    /// <summary>Stops the job for good because its client is gone, and has every silo drop its queued chunks.</summary>
    public async Task AbandonAsync(string reason)
    {
        LogAbandoned(_logger, JobId, reason);
        _dropped = true;
        await _grain.CancelAsync(reason).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _member.Broker.PublishAsync(_member.Broker.Topology.Broadcast, string.Empty, new CancelJobMessage(JobId, reason)).ConfigureAwait(false);
        }
        catch (BrokerUnavailableException)
        {
            // Without a connection the job's message returns to the queue; the next claim sees the client is gone.
        }

        await SettleAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the local grain without telling the client: another silo takes the job over.</summary>
    public void Drop()
    {
        _dropped = true;
        _stop.Cancel();
        _ = _grain.CancelAsync("The job was handed to another silo.");
    }

    private async Task StreamResultsAsync()
    {
        JobSummary? summary = null;
        string? errorType = null, errorMessage = null;
        try
        {
            await foreach (var chunk in _grain.ReadResultsAsync(_stop.Token).ConfigureAwait(false))
            {
                await _window.TakeAsync(chunk.Count, _stop.Token).ConfigureAwait(false);
                foreach (var part in _indices.ToClient(chunk))
                {
                    await SendAsync(ChunkResultMessage.From(MessageKinds.Results, part.Result, Claim, part.Shift)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (!_dropped && exception is not BrokerUnavailableException and not OutOfMemoryException)
        {
            errorType = exception.GetType().FullName;
            errorMessage = exception.Message;
        }

        if (_dropped)
        {
            return;
        }

        try
        {
            summary = await _grain.GetSummaryAsync().ConfigureAwait(false);
            LogEnded(_logger, JobId, summary.Outcome, summary.Total);
        }
        catch (GridException) when (_cancelReason is { } reason)
        {
            // A cancelled job grain drops the results it holds and lets go of itself at once, summary and all (its client asked
            // to stop reading): the job still ends here, so that its message is settled and its client stops waiting.
            errorType ??= typeof(OperationCanceledException).FullName;
            errorMessage ??= reason;
            LogCancelled(_logger, JobId, reason);
        }

        // Say so until the client acknowledges: the end is the one message whose loss would leave the client waiting.
        var ended = new JobEndedMessage(JobId, Claim, summary, errorType, errorMessage);
        while (!_dropped)
        {
            await _member.Broker.PublishAsync(string.Empty, _start.ClientInbox, ended, new PublishProperties(ReplyTo: _member.Inbox)).ConfigureAwait(false);
            var acknowledged = await _endAcknowledged.Task.WaitAsync(_member.HeartbeatInterval * 2, _time, _stop.Token)
                .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default).ConfigureAwait(false);
            if (acknowledged || !_member.View.IsLive(ClientId))
            {
                break;
            }
        }

        if (!_dropped)
        {
            await SettleAsync().ConfigureAwait(false);
        }
    }

    private async Task AnnounceAsync()
    {
        var claimed = new JobClaimedMessage(JobId, Claim, _member.Inbox, _member.Name, null);
        try
        {
            // Repeated until the client answers: a client that reconnected to the broker may have missed the first.
            while (!_heard && !_dropped && !_stop.IsCancellationRequested)
            {
                await SendAsync(claimed).ConfigureAwait(false);
                await Task.Delay(_member.HeartbeatInterval, _time, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or BrokerUnavailableException)
        {
            // The job ended or moved on.
        }
    }

    private async Task RunInputTurnAsync(Func<Task> turn)
    {
        try
        {
            await _inputTurn.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                await turn().ConfigureAwait(false);
            }
            finally
            {
                _inputTurn.Release();
            }
        }
        catch (Exception exception) when (_dropped || exception is OperationCanceledException or BrokerUnavailableException)
        {
            // The job stopped; its client learns how from the job's end or from the next claim.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogJobFailed(_logger, exception, JobId);
        }
    }

    private Task SendAsync(IWireMessage message) => _member.Broker.PublishAsync(string.Empty, _start.ClientInbox, message);

    private async Task SettleAsync()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return;
        }

        _owner.Forget(this);
        await Delivery.AckAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ended {Outcome} with {Total} items")]
    private static partial void LogEnded(ILogger logger, Guid jobId, JobOutcome outcome, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ended Cancelled: {Reason}")]
    private static partial void LogCancelled(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} stopped: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed on this silo")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, Guid jobId);
}
