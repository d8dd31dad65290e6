using Grid.Cluster.Membership;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Silo;

/// <summary>A silo's membership in the cluster: connects to the broker, announces the silo, and runs its consumers of work, jobs, requests and its own inbox.</summary>
/// <remarks>
/// Starts after the silo and stops before its grains. Stopping is graceful: the silo says it is leaving, takes no new chunks or jobs,
/// hands its jobs to other silos, lets running chunks finish within <see cref="ClusterOptions.ShutdownGrace"/>, and leaves the rest unacknowledged for the broker to hand on.
/// </remarks>
internal sealed partial class ClusterMember : ISiloLifecycleParticipant, IClusterDirectory, IAsyncDisposable
{
    private readonly ClusterOptions _options;
    private readonly SiloMonitor _monitor;
    private readonly KernelRegistry _kernels;
    private readonly WorkRunner _work;
    private readonly JobOwner _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _started;
    private Consumer? _workConsumer;
    private Consumer? _jobConsumer;
    private Task? _heartbeats;
    private volatile bool _leaving;
    private int _disposed;

    public ClusterMember(
        IOptions<ClusterOptions> options,
        IOptions<SiloOptions> silo,
        IGrainRuntime runtime,
        SiloMonitor monitor,
        KernelRegistry kernels,
        WorkRunner work,
        JobOwner jobs,
        TimeProvider time,
        ILogger<ClusterMember> logger)
    {
        _options = options.Value;
        _monitor = monitor;
        _kernels = kernels;
        _work = work;
        _jobs = jobs;
        _time = time;
        _logger = logger;
        _started = time.GetUtcNow();
        Name = silo.Value.Name;
        LocalWorkerSlots = runtime.GetMaxLocalWorkers<IWorkerGrain>();
        Broker = new Broker(_options, $"grid-silo {Name}", logger);
        Inbox = Broker.Topology.Inbox(Id);
        View = new MemberView(time, _options.MemberTimeout);
        Broker.Connected = OnConnectedAsync;
        Broker.Lost = OnLostAsync;
    }

    public Guid Id { get; } = Guid.NewGuid();

    public string Name { get; }

    public string Inbox { get; }

    public Broker Broker { get; }

    public MemberView View { get; }

    public int LocalWorkerSlots { get; }

    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    /// <summary>Set by the dispatcher once it exists (it needs this member, and this member hands it results).</summary>
    public ClusterChunkDispatcher? Dispatcher { get; set; }

    public IReadOnlyList<SiloSnapshot> GetPeers() =>
        [.. View.Silos().Where(s => s.Name != Name).Select(s => new SiloSnapshot(s.Name, s.Started, s.WorkerSlots, s.WorkerSlots, s.BusyWorkers, s.Activations, s.QueuedCalls, s.WorkingSetBytes, s.CpuSeconds, s.Cores))];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogJoining(_logger, Name, _options.Name, Broker.Address);
        await Broker.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await PublishHeartbeatAsync().ConfigureAwait(false);
        _heartbeats = Task.Run(HeartbeatLoopAsync, CancellationToken.None);
        LogJoined(_logger, Name, _options.Name, LocalWorkerSlots);
    }

    /// <summary>Leaves the cluster while the silo's grains still run, so that running chunks can finish and owned jobs are handed on cleanly.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_leaving)
        {
            return;
        }

        _leaving = true;
        LogLeaving(_logger, Name, _options.ShutdownGrace);
        try
        {
            await PublishHeartbeatAsync().ConfigureAwait(false);
            if (_workConsumer is not null)
            {
                await _workConsumer.CancelAsync().ConfigureAwait(false);
            }

            if (_jobConsumer is not null)
            {
                await _jobConsumer.CancelAsync().ConfigureAwait(false);
            }

            await _jobs.HandBackAllAsync().ConfigureAwait(false);
            var unfinished = await _work.DrainAsync(_options.ShutdownGrace).ConfigureAwait(false);
            if (unfinished > 0)
            {
                LogHandedBack(_logger, unfinished);
            }

            if (Broker.IsConnected)
            {
                // Without a connection there is nobody to tell, and waiting for one would hold up the stop.
                await Broker.PublishAsync(Broker.Topology.Broadcast, string.Empty, new ByeMessage(Id), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is BrokerUnavailableException or OperationCanceledException)
        {
            // Without the broker there is nobody to tell; unacknowledged work returns to the queues when the connection closes.
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            if (_heartbeats is not null)
            {
                await _heartbeats.ConfigureAwait(false);
            }

            await Broker.DisposeAsync().ConfigureAwait(false);
            LogLeft(_logger, Name, _options.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this member twice: as itself and as the lifecycle participant its factory returned.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task OnConnectedAsync(Session session, CancellationToken cancellationToken)
    {
        var topology = Broker.Topology;
        var channel = session.Publisher;
        await channel.QueueDeclareAsync(Inbox, durable: false, exclusive: true, autoDelete: true, topology.DeadLettered(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(Inbox, topology.Broadcast, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        await Broker.ConsumeAsync(session, Inbox, 1024, HandleInboxAsync, cancellationToken).ConfigureAwait(false);
        await Broker.ConsumeAsync(session, topology.RpcQueue, 16, HandleRequestAsync, cancellationToken).ConfigureAwait(false);
        if (!_leaving)
        {
            _workConsumer = await Broker.ConsumeAsync(session, topology.WorkQueue, (ushort)Math.Clamp(LocalWorkerSlots, 1, ushort.MaxValue), d => _work.HandleAsync(this, d), cancellationToken).ConfigureAwait(false);
            _jobConsumer = await Broker.ConsumeAsync(session, topology.JobQueue, (ushort)_options.MaxJobsPerSilo, d => _jobs.ClaimAsync(this, d), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task OnLostAsync(int epoch, string reason)
    {
        // Everything claimed on the lost connection returns to the broker's queues; whoever takes it next carries on.
        Dispatcher?.FailAll($"The connection to the broker was lost: {reason}");
        _jobs.DropAll();
        return Task.CompletedTask;
    }

    private async Task HandleInboxAsync(Delivery delivery)
    {
        await delivery.AckAsync().ConfigureAwait(false);
        switch (delivery.Kind)
        {
            case MessageKinds.ChunkDone:
                Dispatcher?.Complete(delivery.CorrelationId, WireMessage.Decode(delivery.Body, delivery.Kind, ChunkResultMessage.Reader(delivery.Kind)));
                break;
            case MessageKinds.Heartbeat:
                if (View.Observe(WireMessage.Decode(delivery.Body, delivery.Kind, HeartbeatMessage.Read)))
                {
                    // A member new to this silo (a silo or client that just joined) hears back at once rather than at the next
                    // beat, so its view is whole within a round trip: `grid status` and a fresh client's GetSilosAsync see every silo.
                    await PublishHeartbeatAsync().ConfigureAwait(false);
                }

                break;
            case MessageKinds.Bye:
                View.Remove(WireMessage.Decode(delivery.Body, delivery.Kind, ByeMessage.Read).MemberId);
                break;
            case MessageKinds.CancelJob:
                var cancel = WireMessage.Decode(delivery.Body, delivery.Kind, CancelJobMessage.Read);
                _work.Cancel(cancel.JobId);
                _jobs.Cancel(cancel.JobId, cancel.Reason);
                break;
            default:
                _jobs.Handle(this, delivery);
                break;
        }
    }

    private async Task HandleRequestAsync(Delivery delivery)
    {
        if (delivery.Kind != MessageKinds.KernelsRequest || string.IsNullOrEmpty(delivery.ReplyTo))
        {
            throw new WireFormatException($"The request queue takes '{MessageKinds.KernelsRequest}' messages with a reply address; got '{delivery.Kind}'.");
        }

        WireMessage.Decode(delivery.Body, delivery.Kind, (ref WireReader _) => 0);
        await Broker.PublishAsync(string.Empty, delivery.ReplyTo, KernelsMessage.From(_kernels.Kernels), new PublishProperties(CorrelationId: delivery.CorrelationId)).ConfigureAwait(false);
        await delivery.AckAsync().ConfigureAwait(false);
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await PublishHeartbeatAsync().ConfigureAwait(false);
                    View.Expire();
                    await _jobs.SweepAsync(this, _options.MemberTimeout).ConfigureAwait(false);
                }
                catch (BrokerUnavailableException)
                {
                    // Reconnecting; the next beat goes out on the new connection.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is leaving.
        }
    }

    private Task PublishHeartbeatAsync()
    {
        var snapshot = _monitor.GetSnapshot();
        var beat = new HeartbeatMessage(
            Id,
            MemberKind.Silo,
            _leaving ? MemberState.Leaving : MemberState.Active,
            Name,
            Environment.MachineName,
            Environment.ProcessId,
            Inbox,
            LocalWorkerSlots,
            snapshot.BusyWorkers,
            snapshot.QueuedCalls,
            snapshot.Activations,
            _jobs.Count,
            _work.Running,
            _started,
            _options.HeartbeatInterval,
            snapshot.WorkingSetBytes,
            snapshot.CpuSeconds,
            snapshot.Cores);
        return PublishBeatAsync(beat);
    }

    private async Task PublishBeatAsync(HeartbeatMessage beat)
    {
        // Awaited inside the using: disposing the source before the publish ends would stop its timer, and a beat sent while
        // there is no connection would then wait for one forever (a silo stopping before it ever connected hung there).
        using var cancel = new CancellationTokenSource(_options.HeartbeatInterval);
        try
        {
            await Broker.PublishAsync(Broker.Topology.Broadcast, string.Empty, beat, cancellationToken: cancel.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BrokerUnavailableException or OperationCanceledException)
        {
            // No connection now; the next beat goes out on the next one.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} is joining cluster {Cluster} through the broker at {Address}")]
    private static partial void LogJoining(ILogger logger, string silo, string cluster, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} joined cluster {Cluster} with {Workers} worker slots")]
    private static partial void LogJoined(ILogger logger, string silo, string cluster, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} is leaving the cluster: no new work, running chunks get up to {Grace} to finish")]
    private static partial void LogLeaving(ILogger logger, string silo, TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} chunks were still running at the end of the grace period; the broker hands them to other silos")]
    private static partial void LogHandedBack(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} left cluster {Cluster}")]
    private static partial void LogLeft(ILogger logger, string silo, string cluster);
}
