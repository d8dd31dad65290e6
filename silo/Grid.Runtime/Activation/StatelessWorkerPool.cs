namespace Grid.Runtime.Activation;

/// <summary>The activations of one stateless worker grain on this silo: they share one mailbox, each takes the next call when it is free, and the pool grows while all are busy, up to its maximum.</summary>
internal sealed class StatelessWorkerPool : IGrainTarget
{
    private readonly Lock _lock = new();
    private readonly List<ActivationData> _workers = [];
    private readonly GrainId _grainId;
    private readonly GrainTypeInfo _type;
    private readonly Catalog _catalog;
    private int _idle;
    private int _created;

    public StatelessWorkerPool(GrainId grainId, GrainTypeInfo type, Catalog catalog, int mailboxCapacity)
    {
        _grainId = grainId;
        _type = type;
        _catalog = catalog;
        Mailbox = new Mailbox(mailboxCapacity, singleReader: false);
    }

    public Mailbox Mailbox { get; }

    public GrainTypeInfo Type => _type;

    /// <summary>Gets the most activations the pool may have.</summary>
    public int MaxWorkers => _type.MaxLocalWorkers;

    /// <summary>Gets the live activations.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _workers.Count;
            }
        }
    }

    /// <summary>Gets the activations waiting for a call.</summary>
    public int Idle => Volatile.Read(ref _idle);

    public void MarkIdle() => Interlocked.Increment(ref _idle);

    public void MarkBusy() => Interlocked.Decrement(ref _idle);

    public void OnPosted() => GrowIfNeeded();

    /// <summary>Adds a worker when more calls wait than workers are idle, up to the pool's maximum.</summary>
    /// <remarks>Called after each post and whenever a worker starts a turn, since a burst of posts can land before an idle worker wakes.</remarks>
    public void GrowIfNeeded()
    {
        if (Mailbox.Count <= Volatile.Read(ref _idle) || _catalog.IsStopping)
        {
            return;
        }

        ActivationData worker;
        lock (_lock)
        {
            if (_workers.Count >= _type.MaxLocalWorkers || Mailbox.Count <= Volatile.Read(ref _idle))
            {
                return;
            }

            var number = ++_created;
            worker = new ActivationData(_grainId, _type, _catalog, Mailbox, this, $"{_catalog.SiloName}/{ShortName(_type)}-{number}");
            _workers.Add(worker);
        }

        worker.Start();
    }

    public void Remove(ActivationData worker)
    {
        lock (_lock)
        {
            _workers.Remove(worker);
        }

        // A call may have been queued after the last worker left; make sure someone takes it.
        GrowIfNeeded();
    }

    public void CollectIdle(long idleSince)
    {
        foreach (var worker in Snapshot())
        {
            worker.CollectIdle(idleSince);
        }
    }

    public async Task DeactivateAsync()
    {
        Mailbox.Complete();
        await Task.WhenAll(Snapshot().Select(w => w.DeactivateAsync())).ConfigureAwait(false);
        var error = new GridException($"Silo {_catalog.SiloName} stopped before the call ran.");
        while (Mailbox.Reader.TryRead(out var call))
        {
            call.Fail(error);
        }
    }

    private static string ShortName(GrainTypeInfo type)
    {
        var name = type.Interface.Name;
        if (name.StartsWith('I') && name.Length > 1 && char.IsUpper(name[1]))
        {
            name = name[1..];
        }

        return name.EndsWith("Grain", StringComparison.Ordinal) ? name[..^5].ToLowerInvariant() : name.ToLowerInvariant();
    }

    private ActivationData[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _workers];
        }
    }
}
