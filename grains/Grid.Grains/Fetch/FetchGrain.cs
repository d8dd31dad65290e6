using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;

namespace Grid.Fetch;

/// <summary>The I/O grain: one fetch or upload job, which admits each input, keeps at most the job's concurrency (and per-host limit) of requests in flight, and streams each request's result the moment it completes.</summary>
/// <remarks>
/// Reentrant like the job grain: the client's input calls, the result stream and the completions interleave at awaits, one at a time on
/// the activation's scheduler, so the job's state needs no locks. The requests themselves run on the thread pool (thousands in flight
/// on a few threads); only their completions come back to the grain.
/// </remarks>
[Reentrant]
internal sealed partial class FetchGrain(FetchPolicy policy, RequestRunner runner, IGrainRuntime runtime, JobMonitor monitor, ILogger<FetchGrain> logger)
    : Grain, IFetchGrain
{
    private readonly JobResults _results = new();
    private readonly Dictionary<string, HostQueue> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<HostQueue> _ready = new();
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private JobSpec? _spec;
    private FetchJob? _job;
    private string _worker = "fetch";
    private IDisposable? _timeoutTimer;
    private Activity? _activity;
    private long _startedAt;
    private TimeSpan _wallTime;
    private TimeSpan _busy;
    private int _concurrency;
    private int _perHost;
    private int _maxInFlight;
    private long _queued;
    private int _running;
    private long _read;
    private long _nextChunkId;
    private long _succeeded;
    private long _failed;
    private long _timedOut;
    private long _cancelled;
    private bool _inputComplete;
    private bool _finished;
    private JobOutcome? _stopOutcome;
    private string? _error;

    /// <summary>Gets whether idle collection may take the job: not while requests run outside any turn, nor while a client reads its results.</summary>
    protected override bool CanBeCollected => _spec is null || (_finished && !_results.ReaderOpen);

    public Task StartAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_spec is not null)
        {
            throw new GridException($"Job {spec.JobId} has already been started.");
        }

        var job = Check(spec);
        _spec = spec;
        _worker = $"{runtime.SiloName}/{spec.Kernel}";
        var settings = job.Settings;
        _concurrency = settings.MaxConcurrency;
        _perHost = settings.MaxPerHost > 0 ? Math.Min(settings.MaxPerHost, _concurrency) : _concurrency;
        // By default room for a few rounds of requests plus two of the client's largest batches (4,096), so that the next batch is
        // taken while requests still run, never only once the job has drained.
        _maxInFlight = spec.MaxInFlight > 0 ? spec.MaxInFlight : (4 * _concurrency) + 8192;
        _startedAt = runtime.TimeProvider.GetTimestamp();
        if (spec.JobTimeout is { } timeout)
        {
            _timeoutTimer = RegisterTimer(OnTimeoutAsync, timeout);
        }

        _activity = GridDiagnostics.StartDetached(GridDiagnostics.Jobs, $"grid.job {spec.Kernel}", ActivityKind.Internal, Activity.Current?.Context ?? default);
        _activity?.SetTag(GridTags.JobId, spec.JobId.ToString());
        _activity?.SetTag(GridTags.Kernel, spec.Kernel);
        _activity?.SetTag(GridTags.Silo, runtime.SiloName);
        _job = new FetchJob(spec, settings, job.SaveFolder, job.UploadFolder, _activity?.Context ?? default);
        monitor.JobStarted(spec.JobId, spec.Kernel, _concurrency);
        LogJobStarted(logger, spec.JobId, spec.Kernel, _concurrency, _perHost);
        return Task.CompletedTask;
    }

    public async Task PushAsync(InputBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var spec = Started();
        if (_inputComplete)
        {
            if (_stopOutcome is not null)
            {
                return;
            }

            throw new GridException($"Job {spec.JobId} was told its input had ended; no more items can be added.");
        }

        if (batch.StartIndex != _read)
        {
            throw new GridException($"Job {spec.JobId} expected the batch starting at item {_read}, but got one starting at item {batch.StartIndex}.");
        }

        if (batch.Items is not string[] items)
        {
            throw new GridException($"Job {spec.JobId} takes strings (URLs or file paths), but was sent {batch.Items.GetType().GetElementType()?.Name} items.");
        }

        // Wait for room before taking the batch, so the job never holds more than MaxInFlight items (a larger batch waits for an empty job).
        await _results.WaitForRoomAsync(_read, items.Length, _maxInFlight, () => _stopOutcome is not null, cancellationToken);

        if (_stopOutcome is not null)
        {
            return;
        }

        var dispatched = runtime.TimeProvider.GetUtcNow();
        foreach (var input in items)
        {
            var index = _read++;
            var (item, refused) = FetchAdmission.Admit(_job!, policy, index, input);
            if (refused is not null)
            {
                Record(index, refused, dispatched);
            }
            else
            {
                Enqueue(item!);
            }
        }

        monitor.ItemsRead(spec.JobId, _read);
        Dispatch();
    }

    public Task CompleteInputsAsync(string? inputError)
    {
        Started();
        if (!_inputComplete)
        {
            _inputComplete = true;
            _error ??= inputError;
            monitor.InputEnded(_spec!.JobId);
            FinishIfDone();
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<ChunkResult> ReadResultsAsync(CancellationToken cancellationToken) => _results.ReadAsync(Started().JobId, cancellationToken);

    public Task CancelAsync(string reason)
    {
        Stop(JobOutcome.Cancelled, string.IsNullOrWhiteSpace(reason) ? "The job was cancelled." : reason);
        return Task.CompletedTask;
    }

    public Task<JobSummary> GetSummaryAsync()
    {
        var spec = Started();
        if (_finished && _results.AllRead)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(Summarize(spec));
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        GridDiagnostics.StopDetached(_activity);
        _timeoutTimer?.Dispose();
        _stop.Cancel();
        _stop.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Checks the job's kind, item types and settings against the silo's policy; throws naming what is wrong.</summary>
    private (FetchJobSettings Settings, string? SaveFolder, string? UploadFolder) Check(JobSpec spec)
    {
        if (!FetchJobs.IsFetchJob(spec.Kernel))
        {
            throw new GridException($"The I/O grain runs '{FetchJobs.Fetch}' and '{FetchJobs.Upload}' jobs, not '{spec.Kernel}'; kernels run on the job grain.");
        }

        if (spec.InputType != typeof(string) || spec.OutputType != typeof(FetchResult))
        {
            throw new GridException($"A {spec.Kernel} job takes string items and gives {nameof(FetchResult)} values; it was asked for {spec.InputType.Name} -> {spec.OutputType.Name}.");
        }

        TimeLimit.ThrowIfNotPositive(spec.JobTimeout, nameof(JobSpec.JobTimeout));
        if (spec.MaxInFlight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MaxInFlight, "MaxInFlight must be 0 (automatic) or positive.");
        }

        var settings = spec.Fetch ?? new FetchJobSettings();
        settings.Validate();
        var limits = policy.Options;
        if (settings.MaxConcurrency > limits.MaxConcurrency)
        {
            throw new GridException($"A job may keep at most {limits.MaxConcurrency} requests in flight on this silo ({FetchPolicyOptions.SectionName}:MaxConcurrency); it asked for {settings.MaxConcurrency}.");
        }

        if (settings.MaxBodyBytes > limits.MaxBodyBytes)
        {
            throw new GridException($"A job may read bodies of at most {limits.MaxBodyBytes} bytes on this silo ({FetchPolicyOptions.SectionName}:MaxBodyBytes); it asked for {settings.MaxBodyBytes}.");
        }

        if (spec.Kernel == FetchJobs.Upload)
        {
            return (settings, null, CheckUploadFolder(settings));
        }

        if (settings.Body != FetchBodyMode.Save)
        {
            return (settings, null, null);
        }

        var save = Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.SaveFolder!));
        policy.ThrowIfFolderNotAllowed(save, upload: false);
        try
        {
            Directory.CreateDirectory(save);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GridException($"The save folder {save} cannot be made: {e.Message}", e);
        }

        return (settings, save, null);
    }

    private string CheckUploadFolder(FetchJobSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.UploadFolder))
        {
            throw new GridException($"An upload job needs {nameof(FetchJobSettings.UploadFolder)}: the folder its files are read from.");
        }

        if (string.IsNullOrWhiteSpace(settings.UploadTarget)
            || !Uri.TryCreate(settings.UploadTarget.Replace("{path}", "x", StringComparison.Ordinal), UriKind.Absolute, out var target)
            || target.IsFile)
        {
            throw new GridException($"An upload job needs {nameof(FetchJobSettings.UploadTarget)}: an absolute http or https URL; got '{settings.UploadTarget}'.");
        }

        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.UploadFolder));
        policy.ThrowIfFolderNotAllowed(folder, upload: true);
        if (!Directory.Exists(folder))
        {
            throw new GridException($"The upload folder {folder} does not exist on this silo.");
        }

        return folder;
    }

    private JobSpec Started() => _spec ?? throw new GridException($"Job {GrainId.Key} has not been started; call StartAsync first.");

    private void Enqueue(FetchItem item)
    {
        if (!_hosts.TryGetValue(item.HostKey, out var host))
        {
            _hosts[item.HostKey] = host = new HostQueue(item.HostKey);
        }

        host.Waiting.Enqueue(item);
        _queued++;
        MarkReady(host);
    }

    private void MarkReady(HostQueue host)
    {
        if (!host.Ready && host.Waiting.Count > 0 && host.Running < _perHost)
        {
            host.Ready = true;
            _ready.Enqueue(host);
        }
    }

    /// <summary>Starts requests while the job is under its concurrency and a host under its limit has one waiting, taking hosts in turn.</summary>
    private void Dispatch()
    {
        if (_stopOutcome is not null)
        {
            DropQueued();
            return;
        }

        while (_running < _concurrency && _ready.TryDequeue(out var host))
        {
            host.Ready = false;
            var item = host.Waiting.Dequeue();
            _queued--;
            host.Running++;
            _running++;
            MarkReady(host);
            _ = RunAsync(item, host);
        }
    }

    private async Task RunAsync(FetchItem item, HostQueue host)
    {
        var dispatched = runtime.TimeProvider.GetUtcNow();
        var job = _job!;
        var token = _stop.Token;
        FetchResult result;
        try
        {
            // The request runs on the thread pool; only its ending comes back to the grain's turn.
            result = await Task.Run(() => runner.RunAsync(job, item, token), CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogRequestFailed(logger, exception, job.Spec.JobId, item.Index);
            result = FetchAdmission.Failed(item.Url.OriginalString, FetchReasons.ConnectionFailed, ItemStatus.Failed, $"The request could not run: {exception.Message}");
        }

        host.Running--;
        _running--;
        if (host.Running == 0 && host.Waiting.Count == 0)
        {
            _hosts.Remove(host.Key);
        }
        else
        {
            MarkReady(host);
        }

        _busy += result.Elapsed;
        Record(item.Index, result, dispatched);
        Dispatch();
        FinishIfDone();
    }

    private void Record(long index, FetchResult result, DateTimeOffset dispatched)
    {
        var spec = _spec!;
        var error = result.Error;
        switch (error?.Status)
        {
            case null: _succeeded++; break;
            case ItemStatus.TimedOut: _timedOut++; break;
            case ItemStatus.Cancelled: _cancelled++; break;
            default: _failed++; break;
        }

        if (result.Reason is { } reason)
        {
            _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
        }

        GridDiagnostics.FetchOutcomes.Add(1, new KeyValuePair<string, object?>(GridTags.Kernel, spec.Kernel), new KeyValuePair<string, object?>(GridTags.FetchOutcome, result.Reason ?? "ok"));
        var chunk = new ChunkResult(spec.JobId, _nextChunkId++, index, new[] { result }, error is null ? null : [error], [result.Elapsed], _worker, result.Elapsed)
        {
            Started = dispatched,
        };
        monitor.ChunkFinished(spec.JobId, chunk, dispatched);
        _results.Add(chunk, spec.Ordered);
    }

    private void FinishIfDone()
    {
        if (_finished || !_inputComplete || _queued > 0 || _running > 0)
        {
            return;
        }

        _finished = true;
        _wallTime = runtime.TimeProvider.GetElapsedTime(_startedAt);
        _timeoutTimer?.Dispose();
        var summary = Summarize(_spec!);
        monitor.JobFinished(summary);
        JobResults.EndActivity(_activity, summary);
        _activity = null;
        _results.Complete(cancelled: _stopOutcome == JobOutcome.Cancelled);
        if (_stopOutcome == JobOutcome.Cancelled)
        {
            DeactivateOnIdle();
        }

        LogJobFinished(logger, _spec!.JobId, summary.Outcome, _read, _succeeded, _read - _succeeded, _wallTime.TotalSeconds);
    }

    private JobSummary Summarize(JobSpec spec)
    {
        var wall = _finished ? _wallTime : runtime.TimeProvider.GetElapsedTime(_startedAt);
        var outcome = _stopOutcome ?? (_error is not null ? JobOutcome.Failed : JobOutcome.Completed);
        var requests = _succeeded + _failed + _timedOut + _cancelled;
        return new JobSummary(spec.JobId, spec.Kernel, outcome, _read, _succeeded, _failed, _timedOut, _cancelled, wall, requests > 0 ? [new WorkerUsage(_worker, requests, requests, _busy)] : [])
        {
            Error = _error,
            FailureReasons = new Dictionary<string, long>(_reasons, StringComparer.Ordinal),
        };
    }

    private Task OnTimeoutAsync()
    {
        if (!_finished)
        {
            Stop(JobOutcome.TimedOut, $"The job passed its time limit of {_spec!.JobTimeout}.");
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the job early: no more input is taken, waiting requests get results saying why, and requests in flight are aborted.</summary>
    private void Stop(JobOutcome outcome, string reason)
    {
        if (_spec is null || _finished || _stopOutcome is not null)
        {
            return;
        }

        _stopOutcome = outcome;
        _error = reason;
        _inputComplete = true;
        _job!.Stopped(outcome == JobOutcome.TimedOut
            ? new FetchJob.StopInfo(ItemStatus.TimedOut, FetchReasons.JobTimeout, $"The job's time limit of {_spec.JobTimeout} passed while the request ran.")
            : new FetchJob.StopInfo(ItemStatus.Cancelled, FetchReasons.Cancelled, "The job was cancelled while the request ran."));
        _stop.Cancel();
        DropQueued();
        _results.SignalRoom();
        FinishIfDone();
    }

    private void DropQueued()
    {
        var (reason, message) = _stopOutcome == JobOutcome.TimedOut
            ? (FetchReasons.JobTimeout, "The job's time limit passed before the request was made.")
            : (FetchReasons.Cancelled, "The job was cancelled before the request was made.");
        var now = runtime.TimeProvider.GetUtcNow();
        foreach (var host in _hosts.Values)
        {
            while (host.Waiting.TryDequeue(out var item))
            {
                _queued--;
                Record(item.Index, FetchAdmission.Failed(item.Url.OriginalString, reason, ItemStatus.Cancelled, message) with { File = item.File }, now);
            }
        }

        _ready.Clear();
        foreach (var host in _hosts.Values)
        {
            host.Ready = false;
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Job {JobId} started: {Kind} with {Concurrency} requests at once, {PerHost} per host")]
    private static partial void LogJobStarted(ILogger logger, Guid jobId, string kind, int concurrency, int perHost);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Job {JobId} {Outcome}: {Items} requests, {Succeeded} succeeded, {NotSucceeded} did not, in {Seconds:0.###} s")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, JobOutcome outcome, long items, long succeeded, long notSucceeded, double seconds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Request {Index} of job {JobId} could not run")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, Guid jobId, long index);
}
