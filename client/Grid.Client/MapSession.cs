using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grid.Diagnostics;
using Grid.Jobs;

namespace Grid.Client;

/// <summary>The client's side of one map job: sends the input in batches as the job makes room, and turns the job's chunk results into one result per item.</summary>
/// <remarks>
/// On a cluster (<paramref name="restart"/> given) the session keeps every batch until each of its items has a result; when the job's
/// silo is lost (the job sends nothing for <paramref name="silenceTimeout"/>, or Orleans says the silo is gone) it starts the job again
/// on the live silos with the items that have no result yet, and drops any result of an item it already delivered, so each item's
/// result reaches the caller once (see <see cref="MapSession{TIn, TOut}.FailOverAsync"/>).
/// </remarks>
/// <typeparam name="TIn">The input item type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed partial class MapSession<TIn, TOut>(
    IJobGrain job,
    JobSpec spec,
    MapOptions options,
    TimeProvider time,
    TimeSpan? silenceTimeout,
    Func<JobSpec, IJobGrain>? restart = null,
    int messageBudget = int.MaxValue)
{
    private IJobGrain _job = job;
    private long _read;
    private volatile bool _inputEnded;
    private Exception? _inputError;

    public async IAsyncEnumerable<ItemResult<TOut>> RunAsync(
        GridJob<TOut> handle,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The root of the job's trace: every grain call the session makes continues it.
        var activity = GridDiagnostics.StartDetached(GridDiagnostics.Client, $"grid.map {spec.Kernel}", ActivityKind.Client, default);
        activity?.SetTag(GridTags.JobId, spec.JobId.ToString());
        activity?.SetTag(GridTags.Kernel, spec.Kernel);
        var results = RunJobAsync(handle, feed, activity, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await results.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception exception) when (activity is not null)
                {
                    GridDiagnostics.SetError(activity, exception);
                    throw;
                }

                yield return results.Current;
            }
        }
        finally
        {
            try
            {
                await results.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                GridDiagnostics.StopDetached(activity);
            }
        }
    }

    private async IAsyncEnumerable<ItemResult<TOut>> RunJobAsync(
        GridJob<TOut> handle,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        Activity? activity,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // An iterator's changes to the ambient span end with each step, so the job's span is made current again after each resume.
        Activity.Current = activity ?? Activity.Current;
        try
        {
            _startSpec = activity is null ? spec : spec with { TraceParent = activity.Id };
            await _job.StartAsync(_startSpec).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            handle.SetFailed(exception);
            throw;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeding = Task.Run(() => feed(this, stop.Token), CancellationToken.None);
        if (restart is not null)
        {
            _ = KeepAliveAsync(stop.Token);
        }
        var tracker = new ProgressTracker(options.Progress, options.ProgressInterval, time);
        // One chunk result per call: a result counts as delivered (making room for input) once the client has it, so MaxInFlight holds end to end.
        var results = ReadResults(stop.Token);
        var finished = false;
        Exception? failure = null;
        try
        {
            while (true)
            {
                ChunkResult chunk;
                try
                {
                    if (!await NextAsync(results).ConfigureAwait(false))
                    {
                        finished = true;
                        break;
                    }

                    chunk = results.Current;
                    if (chunk.Count == 0)
                    {
                        // The job's heartbeat while it has no result ready.
                        continue;
                    }
                }
                catch (Exception exception) when (CanFailOver(exception, stop.Token))
                {
                    results = await FailOverAsync(results, exception, stop.Token).ConfigureAwait(false);
                    continue;
                }
                catch (Exception exception)
                {
                    failure = exception;
                    throw;
                }

                var read = Volatile.Read(ref _read);
                tracker.Record(chunk, read, _inputEnded ? read : null);
                var outputs = chunk.Outputs as TOut[];
                if (_ledger is null)
                {
                    for (var i = 0; i < chunk.Count; i++)
                    {
                        yield return ToItem(chunk, outputs, i, chunk.StartIndex + i);
                    }
                }
                else
                {
                    foreach (var (offset, index) in Settle(chunk))
                    {
                        var item = ToItem(chunk, outputs, offset, index);
                        _counts.Add(item);
                        yield return item;
                    }
                }

                Activity.Current = activity ?? Activity.Current;
            }
        }
        finally
        {
            await StopAsync(handle, stop, results, feeding, finished, failure, cancellationToken).ConfigureAwait(false);
        }

        JobSummary summary;
        try
        {
            summary = await _job.GetSummaryAsync().ConfigureAwait(false);
            if (_failovers > 0)
            {
                // The job ran on more than one job grain: only the client saw every item's outcome.
                summary = _counts.Summarize(summary, spec.JobId, Volatile.Read(ref _read), time.GetElapsedTime(_started));
            }
        }
        catch (Exception exception)
        {
            handle.SetFailed(exception);
            throw;
        }

        handle.SetSummary(summary);
        activity?.SetTag(GridTags.Items, summary.Total);
        activity?.SetTag(GridTags.Succeeded, summary.Succeeded);
        activity?.SetTag(GridTags.Failures, summary.Total - summary.Succeeded);
        activity?.SetTag(GridTags.JobOutcome, summary.Outcome.ToString());
        tracker.Finish(summary.Total);
        if (summary.Outcome == JobOutcome.TimedOut)
        {
            throw new JobTimeoutException(summary, spec.JobTimeout ?? TimeSpan.Zero);
        }

        if (summary.Outcome == JobOutcome.Failed && spec.MaxFailures is { } maxFailures && summary.Failed + summary.TimedOut > maxFailures)
        {
            throw new TooManyFailuresException(summary, maxFailures);
        }

        if (_inputError is { } inputError)
        {
            throw new GridException(
                $"Reading the input of job {spec.JobId} failed after {summary.Total} items ({inputError.GetType().Name}: {inputError.Message}); those items have their results.",
                inputError);
        }
    }

    /// <summary>Waits for the job's next result; on a cluster, a job that sends nothing (not even its heartbeat) for the silence timeout has lost its silo.</summary>
    private async ValueTask<bool> NextAsync(IAsyncEnumerator<ChunkResult> results)
    {
        if (silenceTimeout is not { } timeout)
        {
            return await results.MoveNextAsync().ConfigureAwait(false);
        }

        var next = results.MoveNextAsync();
        if (next.IsCompleted)
        {
            return await next.ConfigureAwait(false);
        }

        try
        {
            return await next.AsTask().WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new Cluster.JobSiloLostException($"The silo running job {spec.JobId} sent nothing for {timeout.TotalSeconds:0.#} s (it sends a heartbeat every second): it is taken for lost.", exception);
        }
    }

    /// <summary>Sends the items of a synchronous sequence; never throws: a failure of the sequence ends the input with its reason.</summary>
    public async Task FeedAsync(IEnumerable<TIn> inputs, CancellationToken cancellationToken)
    {
        var batcher = new InputBatcher<TIn>(options.MaxInFlight, messageBudget);
        try
        {
            using var items = inputs.GetEnumerator();
            while (!cancellationToken.IsCancellationRequested && Next(items))
            {
                if (batcher.Add(items.Current))
                {
                    await PushAsync(batcher, cancellationToken).ConfigureAwait(false);
                }
            }

            await EndAsync(batcher, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStop(exception, cancellationToken))
        {
            // The job was stopped; the results side reports why.
        }
        catch (Exception exception)
        {
            await AbandonAsync(exception).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the items of an asynchronous sequence, sending what it holds whenever the source makes it wait; never throws.</summary>
    public async Task FeedAsync(IAsyncEnumerable<TIn> inputs, CancellationToken cancellationToken)
    {
        var batcher = new InputBatcher<TIn>(options.MaxInFlight, messageBudget);
        IAsyncEnumerator<TIn>? items = null;
        Task<bool>? next = null;
        try
        {
            items = inputs.GetAsyncEnumerator(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                next = NextAsync(items, cancellationToken);
                if (!next.IsCompleted && batcher.Count > 0)
                {
                    await PushAsync(batcher, cancellationToken).ConfigureAwait(false);
                }

                var more = await next.ConfigureAwait(false);
                next = null;
                if (!more)
                {
                    break;
                }

                if (batcher.Add(items.Current))
                {
                    await PushAsync(batcher, cancellationToken).ConfigureAwait(false);
                }
            }

            await EndAsync(batcher, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStop(exception, cancellationToken))
        {
            // The job was stopped; the results side reports why.
        }
        catch (Exception exception)
        {
            await AbandonAsync(exception).ConfigureAwait(false);
        }
        finally
        {
            await CloseAsync(items, next).ConfigureAwait(false);
        }
    }

    private static ItemResult<TOut> ToItem(ChunkResult chunk, TOut[]? outputs, int i, long index)
    {
        // A kernel leaves a failed item's output at its default; fetch and upload jobs describe a failed request there, so it is passed on.
        var error = chunk.Errors?[i];
        var value = outputs is not null ? outputs[i]
            : error is not null ? default
            : (TOut?)chunk.Outputs?.GetValue(i);
        return new ItemResult<TOut>(index, value, error, chunk.Durations[i], chunk.Worker) { Attempts = chunk.Attempts?[i] ?? 1 };
    }

    private static bool IsStop(Exception exception, CancellationToken cancellationToken)
        => exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private bool Next(IEnumerator<TIn> items)
    {
        try
        {
            return items.MoveNext();
        }
        catch (Exception exception)
        {
            _inputError = exception;
            return false;
        }
    }

    private async Task<bool> NextAsync(IAsyncEnumerator<TIn> items, CancellationToken cancellationToken)
    {
        try
        {
            return await items.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (!IsStop(exception, cancellationToken))
        {
            _inputError = exception;
            return false;
        }
    }

    private async Task PushAsync(InputBatcher<TIn> batcher, CancellationToken cancellationToken)
    {
        var (start, items, sizes) = batcher.Take();
        // The items are read once they left the input, even while the job makes the push wait for room.
        Volatile.Write(ref _read, start + items.Length);
        await SendAsync(start, items, sizes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes an asynchronous source once its pending step has ended: a compiler-made iterator refuses disposal mid-step and would skip its own finally blocks.</summary>
    private static async Task CloseAsync(IAsyncEnumerator<TIn>? items, Task<bool>? pending)
    {
        if (items is null)
        {
            return;
        }

        if (pending is not null)
        {
            await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }

        try
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The input is finished with; a failure to dispose it changes no result.
        }
    }

    /// <summary>Leaves the results: stops reading the input, cancels the job when it did not finish, and always settles the job's summary on failure.</summary>
    private async Task StopAsync(
        GridJob<TOut> handle,
        CancellationTokenSource stop,
        IAsyncEnumerator<ChunkResult> results,
        Task feeding,
        bool finished,
        Exception? failure,
        CancellationToken cancellationToken)
    {
        // Once the results have ended (or the caller left) nothing more of the input can matter: stop reading it.
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await results.DisposeAsync().ConfigureAwait(false);
        }
        catch (GridException)
        {
            // The stream is already broken; the failure below says why.
        }

        if (!finished)
        {
            try
            {
                // The caller left early, was cancelled, or the stream broke: stop the job so no worker runs for nobody.
                await _job.CancelAsync("The client stopped reading the job's results.").ConfigureAwait(false);
            }
            catch (GridException)
            {
                // The silo is stopping and takes the job with it.
            }

            handle.SetFailed(failure ?? (cancellationToken.IsCancellationRequested
                ? new OperationCanceledException(cancellationToken)
                : new GridException($"The results of job {spec.JobId} were not read to the end, so the job was cancelled.")));

            // The input reader sees the stop and ends by itself (it never throws); a source that ignores its token must not hold up the caller.
            return;
        }

        await feeding.ConfigureAwait(false);
    }

    /// <summary>Ends the input after the job refused a batch, so the job finishes with what it has and says why.</summary>
    private async Task AbandonAsync(Exception exception)
    {
        _inputError ??= exception;
        _inputEnded = true;
        try
        {
            await _job.CompleteInputsAsync($"Sending input to the job failed: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
        }
        catch (GridException)
        {
            // The job is gone as well; reading its results reports that.
        }
    }

    private async Task EndAsync(InputBatcher<TIn> batcher, CancellationToken cancellationToken)
    {
        while (batcher.Count > 0)
        {
            await PushAsync(batcher, cancellationToken).ConfigureAwait(false);
        }

        var reason = _inputError is { } error
            ? $"Reading input item {batcher.NextIndex} failed: {error.GetType().Name}: {error.Message}"
            : null;
        await EndInputAsync(reason, cancellationToken).ConfigureAwait(false);
    }
}
