namespace Grid;

/// <summary>Base class of grain implementations: gives the activation its identity, a grain factory and lifecycle hooks.</summary>
/// <remarks>
/// Grain code runs one turn at a time on its activation's scheduler, so it needs no locks.
/// Do not use <c>ConfigureAwait(false)</c> in grain code: it would leave that scheduler.
/// </remarks>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>Gets the identity of this grain.</summary>
    protected GrainId GrainId => Context.GrainId;

    /// <summary>Gets the name of this activation, unique within the silo.</summary>
    protected string ActivationName => Context.ActivationName;

    /// <summary>Gets the grain factory for calls to other grains.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    private IGrainContext Context => _context ?? throw new InvalidOperationException("The grain has not been activated by a silo.");

    /// <summary>Gets whether idle collection may deactivate this grain; a grain with work running outside its turns (background tasks, timers) says no until that work is done.</summary>
    /// <remarks>Read by the collector between turns. <see cref="DeactivateOnIdle"/> is not affected.</remarks>
    protected virtual bool CanBeCollected => true;

    /// <summary>Called once after the activation is created and before its first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation is deactivated, after its last turn.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs <paramref name="callback"/> on this activation's scheduler once after <paramref name="dueTime"/>; dispose the result to cancel it.</summary>
    /// <remarks>Call it from grain code: the callback runs between turns like any continuation of the grain, so it needs no locks either.</remarks>
    protected IDisposable RegisterTimer(Func<Task> callback, TimeSpan dueTime)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var scheduler = TaskScheduler.Current;
        if (ExecutionContext.IsFlowSuppressed())
        {
            return CreateTimer(callback, dueTime, scheduler);
        }

        // The callback is no part of the turn that registers it: it must not inherit that turn's call chain (or any of its ambient state).
        using (ExecutionContext.SuppressFlow())
        {
            return CreateTimer(callback, dueTime, scheduler);
        }
    }

    /// <summary>Asks the runtime to deactivate this activation once it is idle.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    internal bool IsCollectable => CanBeCollected;

    private IDisposable CreateTimer(Func<Task> callback, TimeSpan dueTime, TaskScheduler scheduler) => Context.TimeProvider.CreateTimer(
        _ => Task.Factory.StartNew(callback, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap(),
        null,
        dueTime,
        Timeout.InfiniteTimeSpan);

    internal void Attach(IGrainContext context) => _context = context;
}
