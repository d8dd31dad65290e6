using System.Text.Json;
using System.Threading.Channels;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Grid.Stored;

/// <summary>One silo's run of a stored job it holds the lease of: a map job (the same job grain live jobs use, its chunks pulled by every silo) fed with the inputs that have no stored result, its results stored in batches as they come.</summary>
/// <remarks>
/// <para>
/// The run is the job grain's client. It reads the stored inputs block by block as the job makes room (so a job of ten million items never
/// sits in memory), skips every item whose result is stored (so a result is stored once, and an item runs again only when its result
/// was lost with a silo), and maps the run's item numbers back to the job's indices. Results are stored in batches: whatever has come
/// while the last batch was written goes in the next, so a busy job writes few large batches and a slow one stores each result at once.
/// </para>
/// <para>
/// Every write names the run's lease epoch. When the store says another silo holds the job now, the run cancels its map job and ends
/// without storing anything more. When the store refuses the results (no permission, a full disk) the job fails with the store's reason;
/// when the store cannot be reached for <see cref="StoredJobOptions.StoreRetryTime"/>, the run ends and the job waits for a silo to take it over.
/// </para>
/// </remarks>
internal sealed partial class StoredJobRun
{
    private const int MaxBatchRows = 32768;

    // The most packed bytes one write sends, beyond which results wait for the next (large values make few rows big).
    private const int MaxBatchBytes = 16 * 1024 * 1024;
    private readonly ClaimedJob _claim;
    private readonly JobStore _store;
    private readonly IGrainFactory _grains;
    private readonly KernelInfo _kernel;
    private readonly string _owner;
    private readonly ILogger _logger;
    private readonly IndexMap _indices = new();
    private readonly Channel<StoredResults> _results = Channel.CreateBounded<StoredResults>(new BoundedChannelOptions(16) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ResiliencePipeline _storeRetries;
    private IMapJobGrain? _job;
    private long _writeTicks;
    private long _writes;
    private long _feedStoreTicks;
    private volatile string? _cancelReason;
    private volatile bool _leaseLost;

    public StoredJobRun(ClaimedJob claim, JobStore store, IGrainFactory grains, KernelInfo kernel, string owner, ILogger logger)
    {
        _claim = claim;
        _store = store;
        _grains = grains;
        _kernel = kernel;
        _owner = owner;
        _logger = logger;
        _cancelReason = claim.CancelReason;
        _storeRetries = new ResiliencePipelineBuilder()
            .AddTimeout(store.Options.StoreRetryTime)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient).Handle<TimeoutException>(),
            })
            .Build();
    }

    /// <summary>Gets the job.</summary>
    public Guid JobId => _claim.JobId;

    /// <summary>Gets whether the run ended on an error (its map job could not start, say, while membership still lists a dead silo); its lease is then given back so the job is taken again at once.</summary>
    public bool Failed { get; private set; }

    /// <summary>Gets the lease epoch the run holds the job at.</summary>
    public int Epoch => _claim.Epoch;

    /// <summary>Cancels the job, as someone asked: queued items are dropped and running kernels signalled; the run then stores the job as cancelled.</summary>
    public void Cancel(string reason)
    {
        if (_cancelReason is not null)
        {
            return;
        }

        _cancelReason = reason;
        _job?.CancelAsync(reason).Ignore();
    }

    /// <summary>Ends the run without storing more: another silo holds the job now (or this one cannot renew its lease).</summary>
    public void LoseLease()
    {
        _leaseLost = true;
        _job?.CancelAsync("Another silo took the job over.").Ignore();
        _stop.Cancel();
    }

    /// <summary>Runs the job to its end, or until the lease is lost or the store cannot be reached.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (await EndsBeforeRunningAsync().ConfigureAwait(false))
            {
                return;
            }

            await RunMapJobAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_leaseLost)
        {
            Failed = true;
            LogRunFailed(_logger, exception, JobId, exception.Message);
            _job?.CancelAsync("The silo running the job stopped its run.").Ignore();
        }
        finally
        {
            _stop.Dispose();
        }
    }

    // A job cancelled, out of time or over MaxFailures before this run ends at once, with its remaining items stored as not run.
    private async Task<bool> EndsBeforeRunningAsync()
    {
        var settings = _claim.Settings;
        var (state, reason) = _cancelReason is { } cancel ? (StoredJobState.Cancelled, cancel)
            : settings.JobTimeout is { } limit && _claim.Elapsed >= limit ? (StoredJobState.TimedOut, $"The job passed its time limit of {limit}.")
            : settings.MaxFailures is { } max && _claim.FinallyFailed > max ? (StoredJobState.Failed, $"More items failed ({_claim.FinallyFailed}) than MaxFailures ({max}) allows, so the job stopped early.")
            : _claim.Stored >= _claim.Total ? (StoredJobState.Completed, (string?)null)
            : ((StoredJobState?)null, (string?)null);
        if (state is not { } ending)
        {
            return false;
        }

        await _store.FinishAsync(JobId, _owner, Epoch, ending, reason, NoRun, fillNotRun: true, CancellationToken.None).ConfigureAwait(false);
        LogFinished(_logger, JobId, ending, reason ?? "no error");
        return true;
    }

    private static JobSummary NoRun => new(Guid.Empty, string.Empty, JobOutcome.Completed, 0, 0, 0, 0, 0, TimeSpan.Zero, []);

    private async Task RunMapJobAsync()
    {
        var settings = _claim.Settings;
        var runId = Guid.NewGuid();
        var spec = new JobSpec(runId, _claim.Kernel, _kernel.InputType!, _kernel.OutputType!)
        {
            ItemTimeout = settings.ItemTimeout,
            HardItemTimeout = settings.HardItemTimeout,
            JobTimeout = settings.JobTimeout - _claim.Elapsed,
            Ordered = settings.Ordered,
            MaxInFlight = settings.MaxInFlight,
            Retry = settings.Retry,
            MaxFailures = settings.MaxFailures - _claim.FinallyFailed,
            TraceParent = settings.TraceParent,
        };
        if (!await StoreAsync(token => _store.SetRunJobAsync(JobId, _owner, Epoch, runId, token)).ConfigureAwait(false))
        {
            // Another silo took the job over before this run began: it starts nothing.
            LoseLease();
            return;
        }

        var job = _grains.GetGrain<IMapJobGrain>(runId);
        await job.StartAsync(spec).ConfigureAwait(false);
        _job = job;
        LogRunStarted(_logger, JobId, _claim.Epoch, runId, _claim.Total - _claim.Stored);
        if (_cancelReason is { } reason)
        {
            await job.CancelAsync(reason).ConfigureAwait(false);
        }

        var keepAlive = KeepAliveAsync(job, _stop.Token);
        var writer = WriteResultsAsync();
        var feed = FeedAsync(job);
        try
        {
            await foreach (var result in job.ReadResultsAsync().WithCancellation(_stop.Token).ConfigureAwait(false))
            {
                if (result.Count > 0)
                {
                    var rows = new StoredResults(JobId);
                    rows.Add(result, _indices.JobIndexOf);
                    await _results.Writer.WriteAsync(rows, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (_cancelReason is not null && !_leaseLost && exception is OperationCanceledException or OrleansException)
        {
            // Cancelled: the map job stopped its stream; what it sent is stored, and the rest is stored as cancelled below.
        }
        finally
        {
            _results.Writer.TryComplete();
        }

        await feed.ConfigureAwait(false);
        var outcome = await writer.ConfigureAwait(false);
        _stop.Cancel();
        await keepAlive.ConfigureAwait(false);
        if (outcome is not null)
        {
            // The store refused the results: the job fails saying why, with what it could store kept.
            await FailAsync(outcome).ConfigureAwait(false);
            return;
        }

        // A cancelled map job lets go of the results it still queued and of its summary (its reader asked it to stop), so a cancelled
        // run ends here: every item without a stored result is stored as cancelled.
        var summary = _cancelReason is null ? await job.GetSummaryAsync().ConfigureAwait(false) : NoRun;
        var (state, error) = _cancelReason is { } cancelled ? (StoredJobState.Cancelled, cancelled) : (StoredJobStates.Of(summary.Outcome), summary.Error);
        LogRunTimes(_logger, JobId, _writes, TimeSpan.FromTicks(_writeTicks * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency).TotalSeconds, TimeSpan.FromTicks(_feedStoreTicks * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency).TotalSeconds);
        if (await StoreAsync(token => _store.FinishAsync(JobId, _owner, Epoch, state, error, summary, fillNotRun: true, token)).ConfigureAwait(false))
        {
            LogFinished(_logger, JobId, state, error ?? "no error");
        }
    }

    // Reads the stored inputs block by block, skips the items with a stored result, and sends the rest to the job as it makes room.
    private async Task FeedAsync(IMapJobGrain job)
    {
        var next = 0L;
        try
        {
            // Loaded once, a bit per item: which items a run before this one stored already.
            var stored = _claim.Stored > 0 ? await StoreAsync(token => _store.StoredIndicesAsync(JobId, _claim.Total, token)).ConfigureAwait(false) : null;
            await foreach (var (first, items) in _store.ReadInputsAsync(JobId, _stop.Token).ConfigureAwait(false))
            {
                if (_cancelReason is not null)
                {
                    break;
                }

                var decodeStart = System.Diagnostics.Stopwatch.GetTimestamp();
                var (batch, rejected) = Decode(first, items, stored);
                _feedStoreTicks += System.Diagnostics.Stopwatch.GetTimestamp() - decodeStart;
                if (rejected.Count > 0)
                {
                    await _results.Writer.WriteAsync(rejected, _stop.Token).ConfigureAwait(false);
                }

                if (batch.Length == 0)
                {
                    continue;
                }

                await job.PushAsync(new InputBatch(next, batch), CancellationToken.None).ConfigureAwait(false);
                next += batch.Length;
            }

            await job.CompleteInputsAsync(null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The run ended (lease lost, or the store refused): the job is cancelled with it.
        }
        catch (Exception exception)
        {
            // Reading the inputs failed beyond the store's retries: the items read so far finish, and the job says why it ended early.
            await job.CompleteInputsAsync($"Reading the job's stored inputs failed: {exception.Message}").ConfigureAwait(false);
        }
    }

    // Turns a block's JSON into items of the kernel's input type, leaving out the items already done; an item that is not valid JSON
    // of that type is that item's failure, stored at once, and never reaches a kernel.
    private (Array Batch, StoredResults Rejected) Decode(long first, PackedItems items, IndexSet? stored)
    {
        var positions = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (stored?.Contains(first + i) != true)
            {
                positions.Add(i);
            }
        }

        var rejected = new StoredResults(JobId);
        var batch = ItemJson.Of(_kernel.InputType!).Read(items, positions, (position, exception) => rejected.Add(
            first + position,
            new ItemError(ItemStatus.Failed, typeof(JsonException).FullName!, $"Item {first + position} is not a {_kernel.InputTypeFullName} as JSON: {exception.Message}")));
        var skipped = rejected.Rows.Select(r => r.Index).ToHashSet();
        foreach (var position in positions)
        {
            if (!skipped.Contains(first + position))
            {
                _indices.Append(first + position);
            }
        }

        return (batch, rejected);
    }

    // Stores the results as they come: each write takes whatever arrived while the last one was written, up to a batch's worth.
    // Returns null when every result was stored, or the reason the store refused them.
    private async Task<string?> WriteResultsAsync()
    {
        var batch = new StoredResults(JobId);
        try
        {
            while (await _results.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatchRows && batch.Bytes < MaxBatchBytes && _results.Reader.TryRead(out var rows))
                {
                    batch.Add(rows);
                }

                var writeStart = System.Diagnostics.Stopwatch.GetTimestamp();
                var held = await StoreAsync(token => _store.WriteResultsAsync(JobId, _owner, Epoch, batch, token)).ConfigureAwait(false);
                _writeTicks += System.Diagnostics.Stopwatch.GetTimestamp() - writeStart;
                _writes++;
                if (!held)
                {
                    LoseLease();
                    return null;
                }

                batch.Clear();
            }

            return null;
        }
        catch (PostgresException exception)
        {
            // The store answers but refuses (no permission, a full disk past the retries): the job cannot keep its results, so it stops.
            _job?.CancelAsync("The job store refused the job's results.").Ignore();
            return $"The job store refused to store its results ({exception.SqlState}: {exception.MessageText}); the {batch.Count} results of that write were not stored.";
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            // The store cannot be reached: end the run without storing more; a silo takes the job over once the store is back and the lease has passed.
            LogStoreUnreachable(_logger, exception, JobId, exception.Message);
            LoseLease();
            return null;
        }
        finally
        {
            // Drain what the reader sends, so it never waits on a full channel after the writer stopped.
            while (_results.Reader.TryRead(out _))
            {
            }
        }
    }

    private async Task FailAsync(string reason)
    {
        try
        {
            await _store.FinishAsync(JobId, _owner, Epoch, StoredJobState.Failed, reason, NoRun, fillNotRun: false, CancellationToken.None).ConfigureAwait(false);
            LogFinished(_logger, JobId, StoredJobState.Failed, reason);
        }
        catch (NpgsqlException exception)
        {
            LogStoreUnreachable(_logger, exception, JobId, exception.Message);
        }
    }

    // Makes a call to the store, again while it fails in a way that passes (a restart of PostgreSQL), for up to StoreRetryTime.
    private async Task<T> StoreAsync<T>(Func<CancellationToken, Task<T>> call)
        => await _storeRetries.ExecuteAsync(async token => await call(token).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);

    private static async Task KeepAliveAsync(IMapJobGrain job, CancellationToken cancellationToken)
    {
        // The map job cancels itself when its client (this run) goes quiet, so a run whose silo died leaves no job running on.
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                job.KeepAliveAsync().Ignore();
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run has ended.
        }
    }

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Stored job {JobId}: {Writes} writes of results took {WriteSeconds:0.###} s; decoding inputs {DecodeSeconds:0.###} s")]
    private static partial void LogRunTimes(ILogger logger, Guid jobId, long writes, double writeSeconds, double decodeSeconds);

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Stored job {JobId}: run {Epoch} started as map job {RunId} with {Items} items to run")]
    private static partial void LogRunStarted(ILogger logger, Guid jobId, int epoch, Guid runId, long items);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Stored job {JobId} ended {State} ({Error})")]
    private static partial void LogFinished(ILogger logger, Guid jobId, StoredJobState state, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Stored job {JobId}: the job store cannot be reached, so this silo's run ends and another takes the job over: {Reason}")]
    private static partial void LogStoreUnreachable(ILogger logger, Exception exception, Guid jobId, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Stored job {JobId}: this silo's run failed and the job waits for another: {Reason}")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid jobId, string reason);

    /// <summary>The job's index of each item of the run, kept as runs of consecutive indices: the run's items are the job's items without the ones already done.</summary>
    private sealed class IndexMap
    {
        private readonly List<(long RunStart, long JobStart, long Length)> _runs = [];
        private readonly Lock _lock = new();
        private long _count;

        public void Append(long jobIndex)
        {
            lock (_lock)
            {
                if (_runs.Count > 0 && _runs[^1] is var last && last.JobStart + last.Length == jobIndex)
                {
                    _runs[^1] = last with { Length = last.Length + 1 };
                }
                else
                {
                    _runs.Add((_count, jobIndex, 1));
                }

                _count++;
            }
        }

        public long JobIndexOf(long runIndex)
        {
            lock (_lock)
            {
                int low = 0, high = _runs.Count - 1;
                while (low < high)
                {
                    var mid = (low + high + 1) / 2;
                    if (_runs[mid].RunStart <= runIndex)
                    {
                        low = mid;
                    }
                    else
                    {
                        high = mid - 1;
                    }
                }

                var run = _runs[low];
                return run.JobStart + (runIndex - run.RunStart);
            }
        }
    }
}
