using System.Collections.Concurrent;
using Grid.Runtime.Hosting;
using Grid.Runtime.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Runtime.Activation;

/// <summary>The silo's directory of live grains: finds or creates the activation (or stateless worker pool) for a grain id and posts calls to its mailbox.</summary>
internal sealed class Catalog : IGrainCallSink
{
    private readonly ConcurrentDictionary<GrainId, IGrainTarget> _targets = new();
    private readonly GrainTypeRegistry _types;
    private readonly SiloOptions _options;
    private volatile bool _stopping;

    public Catalog(GrainTypeRegistry types, IOptions<SiloOptions> options, IServiceProvider services, TimeProvider timeProvider, ILogger<Catalog> logger)
    {
        _types = types;
        _options = options.Value;
        Services = services;
        TimeProvider = timeProvider;
        Logger = logger;
        GrainFactory = new GrainFactory(this, types);
    }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public IGrainFactory GrainFactory { get; }

    public string SiloName => _options.Name;

    public bool IsStopping => _stopping;

    /// <summary>Gets the number of grain ids with a live activation or pool.</summary>
    public int TargetCount => _targets.Count;

    public ValueTask SendAsync(GrainId grainId, GrainCall call)
    {
        while (true)
        {
            if (_stopping)
            {
                throw new GridException($"Silo {SiloName} is stopping; the call to {grainId} was not sent.");
            }

            var target = GetOrCreate(grainId);
            if (call.Chain is { } chain)
            {
                ThrowIfDeadlock(grainId, target.Type, call, chain);
            }

            if (call.Interleaves && target is ActivationData activation && activation.TryInterleave(call))
            {
                return ValueTask.CompletedTask;
            }

            if (target.Mailbox.TryPost(call))
            {
                target.OnPosted();
                return ValueTask.CompletedTask;
            }

            if (!target.Mailbox.IsCompleted)
            {
                return PostWhenRoomAsync(grainId, target, call);
            }

            // The activation is being deactivated and has already left the directory: the next lookup makes a new one.
        }
    }

    /// <summary>Sends a call that reached an activation after it began deactivating to the grain's next activation.</summary>
    public async ValueTask ForwardAsync(GrainId grainId, GrainCall call)
    {
        try
        {
            await SendAsync(grainId, call).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Fail(exception);
        }
    }

    public void Remove(GrainId grainId, IGrainTarget target) => _targets.TryRemove(new KeyValuePair<GrainId, IGrainTarget>(grainId, target));

    /// <summary>Gets the stateless worker pool of <typeparamref name="TGrainInterface"/> under <paramref name="key"/>, when it exists.</summary>
    public StatelessWorkerPool? FindPool<TGrainInterface>(string key)
        => _targets.TryGetValue(new GrainId(_types.Get(typeof(TGrainInterface)).Name, key), out var target) ? target as StatelessWorkerPool : null;

    /// <summary>Gets the live grain ids and the calls waiting in all their mailboxes.</summary>
    public (int Targets, int QueuedCalls) CountQueued()
    {
        var queued = 0;
        foreach (var target in _targets.Values)
        {
            queued += target.Mailbox.Count;
        }

        return (_targets.Count, queued);
    }

    public void CollectIdle()
    {
        var idleSince = TimeProvider.GetTimestamp() - (long)(_options.IdleTimeout.TotalSeconds * TimeProvider.TimestampFrequency);
        foreach (var target in _targets.Values)
        {
            target.CollectIdle(idleSince);
        }
    }

    /// <summary>Refuses new calls and deactivates every grain: a grain runs the calls already in its mailbox first; calls left in a stateless worker pool's mailbox fail with an error naming the silo.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var stopped = new HashSet<IGrainTarget>(ReferenceEqualityComparer.Instance);

        // A sender that passed the stopping check just before it was set may still add a grain: go round until no new one appears.
        while (_targets.Values.Where(stopped.Add).ToArray() is { Length: > 0 } targets)
        {
            await Task.WhenAll(targets.Select(t => t.DeactivateAsync())).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private IGrainTarget GetOrCreate(GrainId grainId)
    {
        if (_targets.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        var type = _types.Get(grainId.Type);
        IGrainTarget created = type.IsStatelessWorker
            ? new StatelessWorkerPool(grainId, type, this, _options.MailboxCapacity)
            : new ActivationData(grainId, type, this, new Mailbox(_options.MailboxCapacity, singleReader: true), pool: null, $"{SiloName}/{grainId}");
        var target = _targets.GetOrAdd(grainId, created);
        (target as ActivationData)?.Start();
        return target;
    }

    /// <summary>Fails a call that closes a cycle back to a grain whose turn waits for that cycle, before it waits in a mailbox behind that turn forever.</summary>
    /// <remarks>
    /// A reentrant grain or an always-interleave method takes the call at its next await, so it is no deadlock. A stateless worker is
    /// one only when every activation it may have is already waiting in the chain (a non-reentrant activation is in a chain at most
    /// once); while one is free or can be added, it takes the call.
    /// </remarks>
    private static void ThrowIfDeadlock(GrainId grainId, GrainTypeInfo type, GrainCall call, CallChain chain)
    {
        if (type.IsReentrant || call.Interleaves)
        {
            return;
        }

        if (type.IsStatelessWorker && chain.Count(grainId) < type.MaxLocalWorkers)
        {
            return;
        }

        if (chain.CycleTo(grainId) is not { } cycle)
        {
            return;
        }

        var why = type.IsStatelessWorker
            ? $"grain {grainId} is a stateless worker and all {type.MaxLocalWorkers} of its activations are waiting in this cycle"
            : $"grain {grainId} is not reentrant and its turn is waiting for this cycle to end";
        throw new DeadlockException(
            $"Deadlock: the call to {call.MethodName} closes the cycle {CallChain.Describe(cycle)}; {why}, so the call would never run. "
            + "Mark the grain [Reentrant] or the method [AlwaysInterleave], or do not wait for the call inside the turn.",
            cycle);
    }

    private async ValueTask PostWhenRoomAsync(GrainId grainId, IGrainTarget target, GrainCall call)
    {
        if (await target.Mailbox.PostAsync(call).ConfigureAwait(false))
        {
            target.OnPosted();
            return;
        }

        await SendAsync(grainId, call).ConfigureAwait(false);
    }
}
