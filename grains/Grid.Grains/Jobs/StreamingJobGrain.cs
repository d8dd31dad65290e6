using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Monitoring;

namespace Grid.Jobs;

/// <summary>The life of a job that streams each result as it completes, shared by the job grain (kernels) and the I/O grain (requests): start, input taken with backpressure, the end of input, the time limit, cancellation, the finish and the summary.</summary>
/// <remarks>
/// A derived grain says how it runs what it holds (<see cref="HasWork"/>, <see cref="OnStopping"/>) and how it sums itself up
/// (<see cref="Summarize"/>); everything here runs on the activation's scheduler, one turn at a time, so it needs no locks.
/// </remarks>
internal abstract class StreamingJobGrain(IGridSilo runtime, JobMonitor monitor) : Grain, IJobGrain
{
    private IDisposable? _timeoutTimer;
    private IDisposable? _clientWatch;
    private long _lastKeepAlive;
    private JobSpec? _spec;
    private long _startedAt;
    private TimeSpan _wallTime;

    /// <summary>Gets the silo's name, clock and worker count.</summary>
    protected IGridSilo Runtime => runtime;

    /// <summary>Gets the silo's record of jobs, which the dashboard shows.</summary>
    protected JobMonitor Monitor => monitor;

    /// <summary>Gets the job's results on their way to its client.</summary>
    protected JobResults Results { get; } = new();

    /// <summary>Gets the job's <c>grid.job</c> span while it runs, or <see langword="null"/> when nobody listens or it has ended.</summary>
    protected Activity? JobActivity { get; private set; }

    /// <summary>Gets or sets how many input items the job has taken.</summary>
    protected long Read { get; set; }

    /// <summary>Gets how many items succeeded.</summary>
    protected long Succeeded { get; private set; }

    /// <summary>Gets how many items finally failed.</summary>
    protected long Failed { get; private set; }

    /// <summary>Gets how many items finally timed out.</summary>
    protected long TimedOut { get; private set; }

    /// <summary>Gets how many items were cancelled.</summary>
    protected long Cancelled { get; private set; }

    /// <summary>Gets when the job's time limit passes, or <see langword="null"/> for none; chunks carry it, so kernels stop at it.</summary>
    protected DateTimeOffset? Deadline { get; private set; }

    /// <summary>Gets whether the job has been started.</summary>
    protected bool IsStarted => _spec is not null;

    /// <summary>Gets whether no more input will come: the client said so, or the job stopped.</summary>
    protected bool InputComplete { get; private set; }

    /// <summary>Gets whether the job has ended and its summary is final.</summary>
    protected bool Finished { get; private set; }

    /// <summary>Gets why the job stopped early, or <see langword="null"/> while it has not.</summary>
    protected JobOutcome? StopOutcome { get; private set; }

    /// <summary>Gets the job's error: why it stopped, or why its input failed.</summary>
    protected string? Error { get; private set; }

    /// <summary>Gets the job's outcome as its summary gives it.</summary>
    protected JobOutcome Outcome => StopOutcome ?? (Error is not null ? JobOutcome.Failed : JobOutcome.Completed);

    /// <summary>Gets the job's wall time: final once it has finished, so far until then.</summary>
    protected TimeSpan WallTime => Finished ? _wallTime : runtime.TimeProvider.GetElapsedTime(_startedAt);

    /// <summary>Gets whether items are still waiting or running, so that the job cannot finish yet.</summary>
    protected abstract bool HasWork { get; }

    public abstract Task StartAsync(JobSpec spec);

    public abstract Task PushAsync(InputBatch batch, CancellationToken cancellationToken);

    public Task CompleteInputsAsync(string? inputError)
    {
        var spec = Started();
        if (!InputComplete)
        {
            InputComplete = true;
            Error ??= inputError;
            monitor.InputEnded(spec.JobId);
            OnInputComplete();
            FinishIfDone();
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<ChunkResult> ReadResultsAsync()
        => Results.ReadAsync(Started().JobId, runtime.TimeProvider, () => Stop(JobOutcome.Cancelled, "The client stopped reading the job's results."), CancellationToken.None);

    public Task KeepAliveAsync()
    {
        if (_spec is null || Finished)
        {
            return Task.CompletedTask;
        }

        _lastKeepAlive = runtime.TimeProvider.GetTimestamp();
        _clientWatch ??= this.RegisterGrainTimer(
            CheckClientAsync,
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task CancelAsync(string reason)
    {
        Stop(JobOutcome.Cancelled, string.IsNullOrWhiteSpace(reason) ? "The job was cancelled." : reason);
        return Task.CompletedTask;
    }

    public Task<JobSummary> GetSummaryAsync()
    {
        var spec = Started();
        if (Finished && Results.AllRead)
        {
            // The job has ended and its results are all read: nothing more will be asked of this activation.
            DeactivateOnIdle();
        }

        return Task.FromResult(Summarize(spec));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GridDiagnostics.StopDetached(JobActivity);
        JobActivity = null;
        _timeoutTimer?.Dispose();
        _clientWatch?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Returns the job's spec, or throws naming the job when it has not been started.</summary>
    protected JobSpec Started() => _spec ?? throw new GridException($"Job {this.GetPrimaryKey()} has not been started; call StartAsync first.");

    /// <summary>Throws when the job has been started already (a job grain runs one job), or when its time limit or MaxInFlight is out of range.</summary>
    protected void CheckNewJob(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_spec is not null)
        {
            throw new GridException($"Job {spec.JobId} has already been started.");
        }

        JobSpecRules.CheckCommon(spec);
    }

    /// <summary>Starts the checked job: its clock, its time limit, its span and its entry in the monitor with <paramref name="workers"/>.</summary>
    protected void Begin(JobSpec spec, int workers)
    {
        _spec = spec;
        _startedAt = runtime.TimeProvider.GetTimestamp();
        Deadline = spec.JobTimeout is { } limit ? runtime.TimeProvider.GetUtcNow() + limit : null;
        if (spec.JobTimeout is { } timeout)
        {
            _timeoutTimer = this.RegisterGrainTimer(OnTimeoutAsync, new GrainTimerCreationOptions(timeout, Timeout.InfiniteTimeSpan) { Interleave = true });
        }

        // The job's span continues the client's, whose context the spec carries: Orleans' own propagation needs a listener on its sources.
        var parent = spec.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var context) ? context : Activity.Current?.Context ?? default;
        JobActivity = GridDiagnostics.StartDetached(GridDiagnostics.Jobs, $"grid.job {spec.Kernel}", ActivityKind.Internal, parent);
        JobActivity?.SetTag(GridTags.JobId, spec.JobId.ToString());
        JobActivity?.SetTag(GridTags.Kernel, spec.Kernel);
        JobActivity?.SetTag(GridTags.Silo, runtime.SiloName);
        monitor.JobStarted(spec.JobId, spec.Kernel, workers);
    }

    /// <summary>Checks that <paramref name="batch"/> is the next one and waits until the job has room for it; returns <see langword="false"/> when the job stopped, so the batch is not part of it.</summary>
    protected async Task<bool> AdmitAsync(InputBatch batch, int maxInFlight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var spec = Started();
        if (InputComplete)
        {
            // The job was stopped (cancelled or out of time) while the client was still sending: the batch is not part of it.
            return StopOutcome is null
                ? throw new GridException($"Job {spec.JobId} was told its input had ended; no more items can be added.")
                : false;
        }

        if (batch.StartIndex != Read)
        {
            throw new GridException($"Job {spec.JobId} expected the batch starting at item {Read}, but got one starting at item {batch.StartIndex}.");
        }

        // Wait for room before taking the batch, so the job never holds more than MaxInFlight items (a larger batch waits for an empty job).
        await Results.WaitForRoomAsync(Read, batch.Items.Length, maxInFlight, () => StopOutcome is not null, cancellationToken);
        return StopOutcome is null;
    }

    /// <summary>Counts items that have their final outcome.</summary>
    protected void Count(long succeeded, long failed, long timedOut, long cancelled)
    {
        Succeeded += succeeded;
        Failed += failed;
        TimedOut += timedOut;
        Cancelled += cancelled;
    }

    /// <summary>Called once when the input has ended, before the job checks whether it is done.</summary>
    protected virtual void OnInputComplete()
    {
    }

    /// <summary>Called once when the job stops early, after its state says so: drop what waits (each item a result saying why) and stop what runs.</summary>
    protected abstract void OnStopping(JobOutcome outcome);

    /// <summary>Sums up the job as it stands.</summary>
    protected abstract JobSummary Summarize(JobSpec spec);

    /// <summary>Logs the job's end.</summary>
    protected abstract void LogFinished(JobSummary summary);

    /// <summary>Ends the job once its input is complete and no work is left: the summary, the span, the monitor, the end of the result stream.</summary>
    protected void FinishIfDone()
    {
        if (Finished || !InputComplete || HasWork)
        {
            return;
        }

        if (StopOutcome is null && Deadline is { } deadline && runtime.TimeProvider.GetUtcNow() >= deadline)
        {
            // The deadline, which the kernels see too, stopped the last items before the job's timer came round: the job passed
            // its time limit all the same.
            Stop(JobOutcome.TimedOut, TimeLimitPassed(_spec!.JobTimeout!.Value));
            return;
        }

        Finished = true;
        _wallTime = runtime.TimeProvider.GetElapsedTime(_startedAt);
        _timeoutTimer?.Dispose();
        var summary = Summarize(_spec!);
        monitor.JobFinished(summary);
        EndJobActivity(summary);
        Results.Complete(cancelled: StopOutcome == JobOutcome.Cancelled);
        if (StopOutcome == JobOutcome.Cancelled)
        {
            // Only a client that stopped reading cancels a job, so nobody will ask this activation for anything more.
            DeactivateOnIdle();
        }

        LogFinished(summary);
    }

    /// <summary>Stops the job early: no more input is taken, waiting items get results saying why, and running ones are told.</summary>
    protected void Stop(JobOutcome outcome, string reason)
    {
        if (_spec is null || Finished || StopOutcome is not null)
        {
            return;
        }

        StopOutcome = outcome;
        Error = reason;
        InputComplete = true;
        OnStopping(outcome);
        Results.SignalRoom();
        FinishIfDone();
    }

    // Ends the grid.job span with the summary's counts, marked as an error when the job failed or timed out.
    private void EndJobActivity(JobSummary summary)
    {
        if (JobActivity is not { } activity)
        {
            return;
        }

        JobActivity = null;
        activity.SetTag(GridTags.Items, summary.Total);
        activity.SetTag(GridTags.Succeeded, summary.Succeeded);
        activity.SetTag(GridTags.Failures, summary.Total - summary.Succeeded);
        activity.SetTag(GridTags.JobOutcome, summary.Outcome.ToString());
        if (summary.Outcome is JobOutcome.Failed or JobOutcome.TimedOut)
        {
            activity.SetStatus(ActivityStatusCode.Error, summary.Error);
        }

        GridDiagnostics.StopDetached(activity);
    }

    /// <summary>Gets how long the job waits for its client's next heartbeat, once it has had one.</summary>
    protected abstract TimeSpan ClientTimeout { get; }

    private Task CheckClientAsync()
    {
        if (Finished)
        {
            _clientWatch?.Dispose();
            _clientWatch = null;
        }
        else if (runtime.TimeProvider.GetElapsedTime(_lastKeepAlive) > ClientTimeout)
        {
            Stop(JobOutcome.Cancelled, $"The job's client stopped sending heartbeats for {ClientTimeout.TotalSeconds:0.#} s, so the job was cancelled.");
        }

        return Task.CompletedTask;
    }

    private static string TimeLimitPassed(TimeSpan limit) => $"The job passed its time limit of {limit}.";

    private Task OnTimeoutAsync()
    {
        if (!Finished)
        {
            Stop(JobOutcome.TimedOut, TimeLimitPassed(_spec!.JobTimeout!.Value));
        }

        return Task.CompletedTask;
    }
}
