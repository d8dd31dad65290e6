using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Runtime.Messaging;
using Grid.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace Grid.Runtime.Activation;

/// <summary>One live grain: its instance, the scheduler its code runs on, and the pump that runs the calls of its mailbox one turn at a time.</summary>
/// <remarks>
/// A non-reentrant activation starts a call only after the previous call's task has ended; a reentrant one starts calls as they come
/// and lets them interleave at awaits. Either way all its code runs on one serial scheduler, so grain state needs no locks.
/// </remarks>
internal sealed partial class ActivationData : IGrainContext, IGrainTarget
{
    private readonly Lock _lock = new();
    private readonly GrainTypeInfo _type;
    private readonly Catalog _catalog;
    private readonly StatelessWorkerPool? _pool;
    private readonly TaskScheduler _scheduler;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ILogger _logger;
    private Grain? _grain;
    private Task _pump = Task.CompletedTask;
    private int _started;
    private int _running;
    private bool _deactivating;
    private bool _deactivateRequested;
    private long _lastActive;
    private TaskCompletionSource? _turnsEnded;
    private ExecutionContext? _rootContext;
    private volatile bool _activated;

    public ActivationData(GrainId grainId, GrainTypeInfo type, Catalog catalog, Mailbox mailbox, StatelessWorkerPool? pool, string activationName)
    {
        GrainId = grainId;
        _type = type;
        _catalog = catalog;
        _pool = pool;
        Mailbox = mailbox;
        ActivationName = activationName;
        _logger = catalog.Logger;
        _scheduler = type.IsCpuBound ? new DedicatedThreadTaskScheduler(activationName) : new ActivationTaskScheduler();
        _lastActive = catalog.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public string ActivationName { get; }

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    public TimeProvider TimeProvider => _catalog.TimeProvider;

    public Mailbox Mailbox { get; }

    public GrainTypeInfo Type => _type;

    /// <summary>Gets the task that ends when the activation has been deactivated.</summary>
    public Task Completion => _pump;

    /// <summary>Starts the activation's pump; only the first call starts it.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // The pump outlives the call that happened to start it: it must not carry that caller's ambient span (or any
            // other async-local state) into every later turn. Each turn takes its caller's trace context from its call instead.
            using (ExecutionContext.SuppressFlow())
            {
                _pump = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
            }
        }
    }

    public void OnPosted()
    {
    }

    /// <summary>Starts an always-interleave call at once, beside the turn in progress, instead of queueing it behind that turn; <see langword="false"/> when the activation is not ready or is leaving.</summary>
    public bool TryInterleave(GrainCall call)
    {
        if (!_activated || !TryBeginTurn())
        {
            return false;
        }

        // The turn takes its caller's trace and chain from the call, not from the sender's context.
        if (ExecutionContext.IsFlowSuppressed())
        {
            StartTurn(call);
        }
        else
        {
            using (ExecutionContext.SuppressFlow())
            {
                StartTurn(call);
            }
        }

        return true;
    }

    public void DeactivateOnIdle()
    {
        lock (_lock)
        {
            _deactivateRequested = true;
        }

        TryDeactivate(idleSince: null);
    }

    public void CollectIdle(long idleSince) => TryDeactivate(idleSince);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return _pump;
    }

    /// <summary>Marks the activation as deactivating when it is idle: no turn running, nothing queued, and idle since before <paramref name="idleSince"/> when given.</summary>
    private bool TryDeactivate(long? idleSince)
    {
        lock (_lock)
        {
            if (_deactivating || _running > 0 || (_pool is null && Mailbox.Count > 0))
            {
                return false;
            }

            if (idleSince is { } limit && (_lastActive > limit || _grain is null || !_grain.IsCollectable))
            {
                return false;
            }

            _deactivating = true;
        }

        LeaveCatalog();
        _lifetime.Cancel();
        return true;
    }

    /// <summary>Stops new calls from reaching this activation: a single grain leaves the directory and closes its mailbox; a pooled one leaves its pool.</summary>
    private void LeaveCatalog()
    {
        // Leave the directory before closing the mailbox, so a sender that finds the mailbox closed finds a new activation on its retry.
        if (_pool is null)
        {
            _catalog.Remove(GrainId, this);
            Mailbox.Complete();
        }
        else
        {
            _pool.Remove(this);
        }
    }

    private bool TryBeginTurn()
    {
        lock (_lock)
        {
            if (_deactivating)
            {
                return false;
            }

            _running++;
            return true;
        }
    }

    private void EndTurn()
    {
        bool requested;
        TaskCompletionSource? turnsEnded = null;
        lock (_lock)
        {
            _running--;
            _lastActive = _catalog.TimeProvider.GetTimestamp();
            requested = _deactivateRequested;
            if (_running == 0)
            {
                (turnsEnded, _turnsEnded) = (_turnsEnded, null);
            }
        }

        turnsEnded?.TrySetResult();

        if (requested)
        {
            TryDeactivate(idleSince: null);
        }
    }

    private async Task RunAsync()
    {
        if (!await ActivateAsync())
        {
            return;
        }

        var reader = Mailbox.Reader;
        try
        {
            while (true)
            {
                _pool?.MarkIdle();
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(_lifetime.Token);
                }
                finally
                {
                    _pool?.MarkBusy();
                }

                if (!more)
                {
                    break;
                }

                while (!_lifetime.IsCancellationRequested && reader.TryRead(out var call))
                {
                    if (!TryBeginTurn())
                    {
                        await _catalog.ForwardAsync(GrainId, call);
                        continue;
                    }

                    _pool?.GrowIfNeeded();

                    if (_type.IsReentrant || call.Interleaves)
                    {
                        _ = RunTurnAsync(call);
                    }
                    else
                    {
                        await RunTurnAsync(call);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Deactivation woke the pump.
        }

        await FinishAsync();
    }

    private async Task<bool> ActivateAsync()
    {
        try
        {
            _grain = (Grain)_type.Factory(_catalog.Services, null);
            _grain.Attach(this);
            await _grain.OnActivateAsync(_lifetime.Token);
            _activated = true;
            return true;
        }
        catch (Exception exception)
        {
            LogActivationFailed(_logger, exception, GrainId, exception.Message);
            lock (_lock)
            {
                _deactivating = true;
            }

            LeaveCatalog();

            var error = new GridException($"Activation of grain {GrainId} failed: {exception.Message}", exception);
            if (_pool is null)
            {
                while (Mailbox.Reader.TryRead(out var call))
                {
                    call.Fail(error);
                }
            }
            else
            {
                // The pool's mailbox is shared: fail the one call this worker would have taken, and let a new worker try the rest.
                if (Mailbox.Reader.TryRead(out var call))
                {
                    call.Fail(error);
                }

                _pool.GrowIfNeeded();
            }

            DisposeScheduler();
            return false;
        }
    }

    private async Task RunTurnAsync(GrainCall call)
    {
        EnterChain(call);

        // The turn continues the caller's trace; with nobody listening this is one flag check.
        using var activity = call.Parent != default && GridDiagnostics.Runtime.HasListeners()
            ? GridDiagnostics.Runtime.StartActivity(call.MethodName, ActivityKind.Server, call.Parent)
            : null;
        activity?.SetTag(GridTags.Grain, GrainId.ToString());
        activity?.SetTag(GridTags.Worker, ActivationName);
        try
        {
            // Two-way calls report their own outcome to the caller; only a one-way call's failure reaches this catch.
            await call.InvokeAsync(_grain!);
            if (activity is not null && call.Failure is { } failure)
            {
                GridDiagnostics.SetError(activity, failure);
            }
        }
        catch (Exception exception)
        {
            GridDiagnostics.SetError(activity, exception);
            LogOneWayCallFailed(_logger, exception, call.MethodName, GrainId);
        }
        finally
        {
            EndTurn();
        }
    }

    private void StartTurn(GrainCall call)
        => _ = Task.Factory.StartNew(() => RunTurnAsync(call), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();

    /// <summary>Makes the calls this turn sends carry this grain in front of the chain of the call it runs; the async method undoes it when the turn returns.</summary>
    private void EnterChain(GrainCall call)
    {
        if (call.Chain is { } callers)
        {
            CallChain.Enter(new CallChain(GrainId, callers));
        }
        else if (_rootContext is { } root)
        {
            // A call from outside any grain: the activation's own context, made once, so such a turn allocates nothing for its chain.
            ExecutionContext.Restore(root);
        }
        else
        {
            // The pump runs with an empty context, so the one captured here holds the chain and nothing else.
            CallChain.Enter(new CallChain(GrainId, null));
            _rootContext = ExecutionContext.Capture();
        }
    }

    private async Task FinishAsync()
    {
        // This worker no longer counts as idle: if a call arrived while it was leaving, make sure another worker takes it.
        _pool?.GrowIfNeeded();

        // A reentrant grain may still have turns in flight; let them end before the grain hears it is deactivated.
        Task turnsEnded;
        lock (_lock)
        {
            turnsEnded = _running == 0 ? Task.CompletedTask : (_turnsEnded ??= new TaskCompletionSource()).Task;
        }

        await turnsEnded;

        if (_pool is null)
        {
            while (Mailbox.Reader.TryRead(out var call))
            {
                await _catalog.ForwardAsync(GrainId, call);
            }
        }

        try
        {
            await _grain!.OnDeactivateAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(_logger, exception, GrainId);
        }

        DisposeScheduler();
    }

    private void DisposeScheduler() => (_scheduler as IDisposable)?.Dispose();

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Activation of grain {GrainId} failed: {Reason}")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "One-way call {Method} on grain {GrainId} failed")]
    private static partial void LogOneWayCallFailed(ILogger logger, Exception exception, string method, GrainId grainId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Deactivation of grain {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);
}
