using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grid.Client.Connections;
using Grid.Cluster;
using Grid.Cluster.Membership;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Client.Cluster;

/// <summary>Reaches a cluster through its broker: announces the client, runs its jobs on whichever silo claims them, and sends single items straight to the shared work queue.</summary>
internal sealed class ClusterConnection : IGridConnection
{
    private readonly ClusterOptions _options;
    private readonly ConcurrentDictionary<Guid, RemoteJob> _jobs = new();
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly TaskCompletionSource _firstSilo = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<(string Name, string InputType, string OutputType)> _kernelNames = [];
    private Task? _heartbeats;
    private long _nextRequest;
    private long _listeningSince;
    private long _slowestSiloBeat;
    private bool _reconnected;
    private int _disposed;

    private ClusterConnection(ClusterOptions options, ILogger logger)
    {
        _options = options;
        Broker = new Broker(options, $"grid-client {Environment.MachineName}:{Environment.ProcessId}", logger);
        Inbox = Broker.Topology.Inbox(MemberId);
        View = new MemberView(TimeProvider.System, options.MemberTimeout);
        Broker.Connected = OnConnectedAsync;
        Broker.Lost = (_, _) =>
        {
            _reconnected = true;
            return Task.CompletedTask;
        };
    }

    public Guid MemberId { get; } = Guid.NewGuid();

    public string Inbox { get; }

    public Broker Broker { get; }

    public MemberView View { get; }

    /// <summary>Connects to the cluster's broker, trying again with back-off for up to <see cref="ClusterOptions.ConnectTimeout"/>, and waits briefly to hear from a silo.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        var connection = new ClusterConnection(options, logger ?? NullLogger.Instance);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await connection.Broker.ConnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new GridException($"Could not reach the broker at {connection.Broker.Address} within {options.ConnectTimeout}; is RabbitMQ running there, and does the address (host, port, virtual host) match?");
            }

            await connection.PublishHeartbeatAsync().ConfigureAwait(false);
            connection._heartbeats = Task.Run(connection.HeartbeatLoopAsync, CancellationToken.None);

            // The first heartbeats tell which silos are there; a silo beats once per interval.
            await connection._firstSilo.Task.WaitAsync(options.HeartbeatInterval * 2, cancellationToken)
                .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public IJobGrain GetJob(JobSpec spec) => new RemoteJob(this, spec.JobId);

    public async Task<ChunkResult> RunChunkAsync(Chunk chunk, Type outputType, CancellationToken cancellationToken)
    {
        var message = ChunkMessage.From(chunk, attempt: 1);
        var reply = await RequestAsync(string.Empty, Broker.Topology.WorkQueue, message, persistent: true, $"item of kernel '{chunk.Kernel}'", timeout: null, cancellationToken)
            .ConfigureAwait(false);
        var result = WireMessage.Decode(reply.Body, reply.Kind, ChunkResultMessage.Reader(reply.Kind));
        return result.ToChunkResult(outputType);
    }

    public async Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(string.Empty, Broker.Topology.RpcQueue, new EmptyMessage(MessageKinds.KernelsRequest), persistent: false, "the kernel list", _options.ConnectTimeout, cancellationToken)
            .ConfigureAwait(false);
        var kernels = WireMessage.Decode(reply.Body, reply.Kind, KernelsMessage.Read).Kernels;
        _kernelNames = kernels;
        return kernels.Select(k => new KernelInfo(k.Name, Resolve(k.InputType), Resolve(k.OutputType))).OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
    }

    public void CheckTypes(KernelInfo kernel, Type inputType, Type outputType)
    {
        var names = _kernelNames.FirstOrDefault(k => k.Name == kernel.Name);
        var declaredInput = names.InputType ?? TypeNames.Of(kernel.InputType);
        var declaredOutput = names.OutputType ?? TypeNames.Of(kernel.OutputType);
        var sent = TypeNames.Of(inputType);
        var expected = TypeNames.Of(outputType);
        if (!(sent == declaredInput || sent == "System.Object") || !(expected == declaredOutput || expected is "System.Object" or "System.Text.Json.JsonElement"))
        {
            throw new GridException($"Kernel '{kernel.Name}' takes {declaredInput} and returns {declaredOutput}, but the call sends {sent} and expects {expected}.");
        }
    }

    public async Task<IReadOnlyList<SiloStatus>> GetSilosAsync(CancellationToken cancellationToken)
    {
        // Each silo beats once per its interval, so a client that has listened for less than two of them may not have heard every silo
        // yet (ConnectAsync waits only for the first): wait out the rest, or a fresh `grid status` would list some silos only.
        var interval = TimeSpan.FromTicks(Math.Max(_options.HeartbeatInterval.Ticks, Interlocked.Read(ref _slowestSiloBeat)));
        var rest = (2 * interval) - Stopwatch.GetElapsedTime(Interlocked.Read(ref _listeningSince));
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
        }

        return View.Silos();
    }

    internal void Register(RemoteJob job) => _jobs[job.JobId] = job;

    internal void Unregister(RemoteJob job) => _jobs.TryRemove(new KeyValuePair<Guid, RemoteJob>(job.JobId, job));

    /// <summary>Waits for <paramref name="task"/>, failing with a clear error when no silo of the cluster is live for a whole member timeout.</summary>
    internal async Task<T> WaitForSiloAsync<T>(Task<T> task, string what)
    {
        var silent = Stopwatch.StartNew();
        while (true)
        {
            var done = await Task.WhenAny(task, Task.Delay(_options.HeartbeatInterval, _stopping.Token)).ConfigureAwait(false);
            if (done == task)
            {
                return await task.ConfigureAwait(false);
            }

            _stopping.Token.ThrowIfCancellationRequested();
            if (View.Silos().Count > 0)
            {
                silent.Restart();
            }
            else if (silent.Elapsed > _options.MemberTimeout)
            {
                throw new GridException($"No silo of cluster '{_options.Name}' is running (none sent a heartbeat for {_options.MemberTimeout}), so nothing can take {what}.");
            }
        }
    }

    internal async Task SendToOwnerAsync(RemoteJob job, IWireMessage message)
    {
        if (job.CurrentClaim is { } claim)
        {
            await SendQuietlyAsync(claim.OwnerInbox, message).ConfigureAwait(false);
        }
    }

    internal async Task CancelJobAsync(Guid jobId, string reason)
    {
        try
        {
            await Broker.PublishAsync(Broker.Topology.Broadcast, string.Empty, new CancelJobMessage(jobId, reason)).ConfigureAwait(false);
        }
        catch (BrokerUnavailableException)
        {
            // The job's silo notices the client's silence and stops the job itself.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var (_, job) in _jobs)
        {
            await CancelJobAsync(job.JobId, "The client disconnected.").ConfigureAwait(false);
            job.Fail(new ObjectDisposedException(nameof(GridClient), "The client was disposed while the job ran."));
        }

        try
        {
            await Broker.PublishAsync(Broker.Topology.Broadcast, string.Empty, new ByeMessage(MemberId), new PublishProperties(), new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BrokerUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // Nobody to tell.
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeats is not null)
        {
            await _heartbeats.ConfigureAwait(false);
        }

        foreach (var (_, request) in _requests)
        {
            request.Reply.TrySetException(new ObjectDisposedException(nameof(GridClient)));
        }

        await Broker.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<Delivery> RequestAsync(string exchange, string routingKey, IWireMessage message, bool persistent, string what, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var correlation = Interlocked.Increment(ref _nextRequest).ToString(CultureInfo.InvariantCulture);
        var request = new PendingRequest(exchange, routingKey, message, persistent);
        _requests[correlation] = request;
        try
        {
            await Broker.PublishAsync(exchange, routingKey, message, new PublishProperties(Inbox, correlation, persistent, Activity.Current?.Context), cancellationToken).ConfigureAwait(false);
            var reply = WaitForSiloAsync(request.Reply.Task, what);
            return timeout is { } limit
                ? await reply.WaitAsync(limit, cancellationToken).ConfigureAwait(false)
                : await reply.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new GridException($"No silo of cluster '{_options.Name}' answered the request for {what} within {timeout}.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && message is ChunkMessage chunk)
        {
            // A queued single item of nobody is dropped by the silo that takes it.
            await CancelJobAsync(chunk.JobId, "The caller cancelled.").ConfigureAwait(false);
            throw;
        }
        finally
        {
            _requests.TryRemove(correlation, out _);
        }
    }

    private async Task OnConnectedAsync(Session session, CancellationToken cancellationToken)
    {
        var topology = Broker.Topology;
        await session.Publisher.QueueDeclareAsync(Inbox, durable: false, exclusive: true, autoDelete: true, topology.DeadLettered(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await session.Publisher.QueueBindAsync(Inbox, topology.Broadcast, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        await Broker.ConsumeAsync(session, Inbox, 1024, HandleInboxAsync, cancellationToken).ConfigureAwait(false);
        Interlocked.CompareExchange(ref _listeningSince, Stopwatch.GetTimestamp(), 0);
        if (_reconnected)
        {
            // Replies sent while the client was away are lost: ask again, and have every job's silo hand it on so that its results come anew.
            _ = Task.Run(RecoverAsync, CancellationToken.None);
        }
    }

    private async Task RecoverAsync()
    {
        try
        {
            foreach (var (correlation, request) in _requests)
            {
                await Broker.PublishAsync(request.Exchange, request.RoutingKey, request.Message, new PublishProperties(Inbox, correlation, request.Persistent), _stopping.Token).ConfigureAwait(false);
            }

            foreach (var (_, job) in _jobs)
            {
                if (job.CurrentClaim is { } claim)
                {
                    await Broker.PublishAsync(string.Empty, claim.OwnerInbox, new JobSignalMessage(MessageKinds.Reclaim, job.JobId, claim.Id, 0), cancellationToken: _stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is BrokerUnavailableException or OperationCanceledException)
        {
            // Lost again: the next connection recovers.
        }
    }

    private async Task HandleInboxAsync(Delivery delivery)
    {
        await delivery.AckAsync().ConfigureAwait(false);
        switch (delivery.Kind)
        {
            case MessageKinds.Heartbeat:
                var beat = WireMessage.Decode(delivery.Body, delivery.Kind, HeartbeatMessage.Read);
                View.Observe(beat);
                if (beat.MemberKind == MemberKind.Silo)
                {
                    if (beat.Interval.Ticks > Interlocked.Read(ref _slowestSiloBeat))
                    {
                        Interlocked.Exchange(ref _slowestSiloBeat, beat.Interval.Ticks);
                    }

                    _firstSilo.TrySetResult();
                }

                break;
            case MessageKinds.Bye:
                View.Remove(WireMessage.Decode(delivery.Body, delivery.Kind, ByeMessage.Read).MemberId);
                break;
            case MessageKinds.CancelJob:
                break;
            case MessageKinds.JobClaimed:
            case MessageKinds.JobRejected:
                var claimed = WireMessage.Decode(delivery.Body, delivery.Kind, JobClaimedMessage.Read);
                if (_jobs.TryGetValue(claimed.JobId, out var claimedJob))
                {
                    claimedJob.OnClaimed(claimed);
                }

                break;
            case MessageKinds.PushAck:
                var reply = WireMessage.Decode(delivery.Body, delivery.Kind, JobReplyMessage.Read);
                if (_jobs.TryGetValue(reply.JobId, out var repliedJob))
                {
                    repliedJob.OnReply(reply);
                }

                break;
            case MessageKinds.Results:
                var results = WireMessage.Decode(delivery.Body, delivery.Kind, ChunkResultMessage.Reader(delivery.Kind));
                if (_jobs.TryGetValue(results.JobId, out var resultJob) && resultJob.CurrentClaim?.Id == results.Claim)
                {
                    resultJob.OnResults(results);
                }

                break;
            case MessageKinds.JobEnded:
                var ended = WireMessage.Decode(delivery.Body, delivery.Kind, JobEndedMessage.Read);

                if (_jobs.TryGetValue(ended.JobId, out var endedJob) && endedJob.CurrentClaim?.Id == ended.Claim)
                {
                    endedJob.OnEnded(ended);
                }

                // Acknowledged whether or not the job is still here, so its silo can let go of it.
                if (!string.IsNullOrEmpty(delivery.ReplyTo))
                {
                    await SendQuietlyAsync(delivery.ReplyTo, new JobSignalMessage(MessageKinds.JobEndedAck, ended.JobId, ended.Claim, 0)).ConfigureAwait(false);
                }

                break;
            case MessageKinds.ChunkDone:
            case MessageKinds.Kernels:
                if (delivery.CorrelationId is { } correlation && _requests.TryGetValue(correlation, out var request))
                {
                    request.Reply.TrySetResult(delivery);
                }

                break;
            default:
                throw new WireFormatException($"A client's inbox does not take '{delivery.Kind}' messages.");
        }
    }

    private async Task SendQuietlyAsync(string inbox, IWireMessage message)
    {
        try
        {
            await Broker.PublishAsync(string.Empty, inbox, message).ConfigureAwait(false);
        }
        catch (BrokerUnavailableException)
        {
            // The silo sends its message again, or claims the job anew after the reconnection.
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await PublishHeartbeatAsync().ConfigureAwait(false);
                View.Expire();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task PublishHeartbeatAsync()
    {
        var beat = new HeartbeatMessage(
            MemberId, MemberKind.Client, MemberState.Active, $"client {Environment.ProcessId}", Environment.MachineName, Environment.ProcessId, Inbox,
            0, 0, 0, 0, _jobs.Count, 0, _started, _options.HeartbeatInterval, Environment.WorkingSet, 0, Environment.ProcessorCount);
        try
        {
            using var cancel = new CancellationTokenSource(_options.HeartbeatInterval);
            await Broker.PublishAsync(Broker.Topology.Broadcast, string.Empty, beat, cancellationToken: cancel.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BrokerUnavailableException or OperationCanceledException)
        {
            // Reconnecting; the next beat goes out on the new connection.
        }
    }

    /// <summary>Finds a type by its full name among the assemblies loaded here; a type this process does not know is shown as JSON.</summary>
    private static Type Resolve(string name) =>
        Type.GetType(name)
        ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null)
        ?? typeof(System.Text.Json.JsonElement);

    /// <summary>A request waiting for its reply, kept so it can be sent again after a reconnection.</summary>
    private sealed record PendingRequest(string Exchange, string RoutingKey, IWireMessage Message, bool Persistent)
    {
        public TaskCompletionSource<Delivery> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
