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
internal sealed partial class FetchGrain(
    FetchPolicy policy,
    RequestRunner runner,
    IGridSilo runtime,
    JobMonitor monitor,
    Microsoft.Extensions.Options.IOptions<JobOptions> options,
    ILogger<FetchGrain> logger)
    : StreamingJobGrain(runtime, monitor), IFetchGrain
{
    protected override TimeSpan ClientTimeout => options.Value.ClientTimeout;

    private readonly Dictionary<string, HostQueue> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<HostQueue> _ready = new();
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private FetchJob? _job;
    private string _worker = "fetch";
    private TimeSpan _busy;
    private int _concurrency;
    private int _perHost;
    private int _maxInFlight;
    private long _queued;
    private int _running;
    private long _nextChunkId;

    /// <summary>Gets whether requests wait for their turn or are in flight.</summary>
    protected override bool HasWork => _queued > 0 || _running > 0;

    public override Task StartAsync(JobSpec spec)
    {
        CheckNewJob(spec);
        var job = Check(spec);
        _worker = $"{Runtime.SiloName}/{spec.Kernel}";
        var settings = job.Settings;
        _concurrency = settings.MaxConcurrency;
        _perHost = settings.MaxPerHost > 0 ? Math.Min(settings.MaxPerHost, _concurrency) : _concurrency;
        // By default room for a few rounds of requests plus two of the client's largest batches (4,096), so that the next batch is
        // taken while requests still run, never only once the job has drained.
        _maxInFlight = spec.MaxInFlight > 0 ? spec.MaxInFlight : (4 * _concurrency) + 8192;
        Begin(spec, _concurrency);
        _job = new FetchJob(spec, settings, job.SaveFolder, job.UploadFolder, JobActivity?.Context ?? default);
        LogJobStarted(logger, spec.JobId, spec.Kernel, _concurrency, _perHost);
        return Task.CompletedTask;
    }

    public override async Task PushAsync(InputBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var spec = Started();
        if (batch.Items is not string[] items)
        {
            throw new GridException($"Job {spec.JobId} takes strings (URLs or file paths), but was sent {batch.Items.GetType().GetElementType()?.Name} items.");
        }

        if (!await AdmitAsync(batch, _maxInFlight, cancellationToken))
        {
            return;
        }

        var dispatched = Runtime.TimeProvider.GetUtcNow();
        foreach (var input in items)
        {
            var index = Read++;
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

        Monitor.ItemsRead(spec.JobId, Read);
        Dispatch();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop.Cancel();
        _stop.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
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
        if (StopOutcome is not null)
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
        var dispatched = Runtime.TimeProvider.GetUtcNow();
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
        var spec = Started();
        var error = result.Error;
        switch (error?.Status)
        {
            case null: Count(1, 0, 0, 0); break;
            case ItemStatus.TimedOut: Count(0, 0, 1, 0); break;
            case ItemStatus.Cancelled: Count(0, 0, 0, 1); break;
            default: Count(0, 1, 0, 0); break;
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
        Monitor.ChunkFinished(spec.JobId, chunk, dispatched);
        Results.Add(chunk, spec.Ordered);
    }

    protected override JobSummary Summarize(JobSpec spec)
    {
        var requests = Succeeded + Failed + TimedOut + Cancelled;
        return new JobSummary(spec.JobId, spec.Kernel, Outcome, Read, Succeeded, Failed, TimedOut, Cancelled, WallTime, requests > 0 ? [new WorkerUsage(_worker, requests, requests, _busy)] : [])
        {
            Error = Error,
            FailureReasons = new Dictionary<string, long>(_reasons, StringComparer.Ordinal),
        };
    }

    /// <summary>Called once when the job stops early: requests in flight are aborted and waiting ones end with the reason.</summary>
    protected override void OnStopping(JobOutcome outcome)
    {
        var spec = Started();
        _job!.Stopped(outcome == JobOutcome.TimedOut
            ? new FetchJob.StopInfo(ItemStatus.TimedOut, FetchReasons.JobTimeout, $"The job's time limit of {spec.JobTimeout} passed while the request ran.")
            : new FetchJob.StopInfo(ItemStatus.Cancelled, FetchReasons.Cancelled, "The job was cancelled while the request ran."));
        _stop.Cancel();
        DropQueued();
    }

    protected override void LogFinished(JobSummary summary)
        => LogJobFinished(logger, summary.JobId, summary.Outcome, summary.Total, summary.Succeeded, summary.Total - summary.Succeeded, summary.WallTime.TotalSeconds);

    private void DropQueued()
    {
        var (reason, message) = StopOutcome == JobOutcome.TimedOut
            ? (FetchReasons.JobTimeout, "The job's time limit passed before the request was made.")
            : (FetchReasons.Cancelled, "The job was cancelled before the request was made.");
        var now = Runtime.TimeProvider.GetUtcNow();
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
