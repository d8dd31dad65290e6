using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Stored;
using Orleans.Concurrency;

namespace Grid.Client;

/// <summary>Detached jobs: submitted to a cluster whose silos keep a job store, run without their client, read back at any time.</summary>
public sealed partial class GridClient
{
    private const int SubmitBatchItems = 32768;

    /// <summary>Submits a detached job: its inputs are stored in the cluster's job store as they are read (never all held at once), and the call returns once they all are; the silos then run it without this client.</summary>
    /// <remarks>
    /// The job outlives its client, any silo and a restart of the whole cluster; each item's result is stored once. A silo that takes the
    /// job over from a dead one runs again the items whose results were not stored yet, so a kernel may run on an item more than once: make
    /// kernels with side effects idempotent. Read the results with <see cref="AttachAsync{TOut}"/>.
    /// </remarks>
    /// <param name="kernel">The name of a kernel registered on the silos.</param>
    /// <param name="inputs">The inputs; read once, in order.</param>
    /// <param name="options">The job's limits (<see cref="MapOptions.Progress"/> is not used: a detached job has no reader yet).</param>
    /// <param name="cancellationToken">Stops the submission; the job is then cancelled and never runs.</param>
    /// <returns>The job's handle, with its id.</returns>
    /// <exception cref="GridException">The cluster has no job store, or the kernel is not registered or does not take these types.</exception>
    public Task<DetachedJob> SubmitJobAsync<TIn, TOut>(string kernel, IEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return SubmitJobAsync<TIn, TOut>(kernel, AsAsync(inputs, cancellationToken), options, cancellationToken);
    }

    /// <summary>Submits a detached job whose inputs come from an asynchronous sequence; see <see cref="SubmitJobAsync{TIn, TOut}(string, IEnumerable{TIn}, MapOptions?, CancellationToken)"/>.</summary>
    public async Task<DetachedJob> SubmitJobAsync<TIn, TOut>(string kernel, IAsyncEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ThrowIfDisposed();
        var spec = SpecOf<TIn, TOut>(kernel, options ?? new MapOptions());

        // The job's trace starts here (under the caller's span, if there is one): the submission's grain calls continue it, and every run
        // of the job, on whichever silos, hangs under it.
        using var activity = GridDiagnostics.StartDetached(GridDiagnostics.Client, $"grid.detach {kernel}", ActivityKind.Client, default);
        if (activity is not null)
        {
            activity.SetTag(GridTags.JobId, spec.JobId.ToString());
            activity.SetTag(GridTags.Kernel, kernel);
            Activity.Current = activity;
            spec = spec with { TraceParent = activity.Id };
        }

        try
        {
            var submitted = await SubmitStoredAsync(spec, inputs, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(GridTags.Items, submitted.Total);
            return submitted;
        }
        catch (Exception exception)
        {
            GridDiagnostics.SetError(activity, exception);
            throw;
        }
    }

    // Creates the stored job, stores its inputs in batches and seals it; a submission that fails part way is cancelled.
    private async Task<DetachedJob> SubmitStoredAsync<TIn>(JobSpec spec, IAsyncEnumerable<TIn> inputs, CancellationToken cancellationToken)
    {
        var kernel = spec.Kernel;
        await CheckKernelAsync(kernel, spec.InputType, spec.OutputType, cancellationToken).ConfigureAwait(false);
        var job = _cluster.GetGrain<IStoredJobGrain>(spec.JobId);
        await ThroughAnyGatewayAsync(() => job.CreateAsync(spec), cancellationToken).ConfigureAwait(false);
        long total = 0;
        try
        {
            var batch = new List<TIn>(SubmitBatchItems);
            await foreach (var input in inputs.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(input);
                if (batch.Count == SubmitBatchItems)
                {
                    total = await AppendAsync(job, total, batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                total = await AppendAsync(job, total, batch, cancellationToken).ConfigureAwait(false);
            }

            var sealedJob = await ThroughAnyGatewayAsync(() => job.SealAsync(total), cancellationToken).ConfigureAwait(false);
            return new DetachedJob(spec.JobId, kernel, sealedJob.Total);
        }
        catch (Exception exception) when (exception is OperationCanceledException || exception is not GridException)
        {
            // The job never ran: end it, so no silo waits on its input.
            var reason = exception is OperationCanceledException ? "Its client cancelled the submission." : $"Its client could not finish the submission: {exception.Message}";
            await job.CancelAsync(reason).ConfigureAwait(false);
            throw;
        }
    }

    // Stores a batch of inputs, cut in parts so that none is over a message's budget; returns the job's inputs so far.
    private async Task<long> AppendAsync<TIn>(IStoredJobGrain job, long start, List<TIn> batch, CancellationToken cancellationToken)
    {
        var packed = PackedItems.Pack(batch);
        if (packed.Data.Length <= _messageBudget || batch.Count == 1)
        {
            if (packed.Data.Length > _messageBudget * 8L)
            {
                // One item too large to travel: it is stored as failed, saying why, and the rest of the input goes on.
                packed = new PackedItems([], [0])
                {
                    Refused = [$"Input item {start} is {packed.Data.Length} bytes of JSON, more than the cluster's message limit ({_messageBudget * 8L} bytes) allows one item."],
                };
            }

            await ThroughAnyGatewayAsync(() => job.AppendAsync(start, new Immutable<PackedItems>(packed)), cancellationToken).ConfigureAwait(false);
            return start + batch.Count;
        }

        var half = batch.Count / 2;
        var next = await AppendAsync(job, start, batch[..half], cancellationToken).ConfigureAwait(false);
        return await AppendAsync(job, next, batch[half..], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a detached job's results: the stored ones first, then the rest as they are stored, each index once, until the job ends; then <see cref="GridJob{TOut}.Summary"/> holds its summary.</summary>
    /// <remarks>
    /// Leaving the enumeration early leaves the job running (it is detached: cancel it with <see cref="CancelJobAsync"/>). Items that never
    /// ran because the job was cancelled, timed out or stopped early come with a result saying so. When the silo serving the stream is
    /// lost, the stream goes on through another from where it was.
    /// </remarks>
    /// <typeparam name="TOut">The kernel's output type, or <see cref="JsonElement"/> for each value's JSON as stored.</typeparam>
    /// <param name="jobId">The job's id, as <see cref="SubmitJobAsync{TIn, TOut}(string, IEnumerable{TIn}, MapOptions?, CancellationToken)"/> or <c>grid jobs</c> gave it.</param>
    /// <param name="options">Which results and where progress goes; <see langword="null"/> for every result.</param>
    /// <exception cref="GridException">The cluster has no job store, or no such job exists.</exception>
    public GridJob<TOut> AttachAsync<TOut>(Guid jobId, AttachOptions? options = null)
    {
        ThrowIfDisposed();
        options ??= new AttachOptions();
        return new GridJob<TOut>(jobId, (handle, token) => ReadStoredAsync(handle, jobId, options, token));
    }

    private async IAsyncEnumerable<ItemResult<TOut>> ReadStoredAsync<TOut>(GridJob<TOut> handle, Guid jobId, AttachOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var grain = _cluster.GetGrain<IStoredJobGrain>(jobId);
        try
        {
            var job = await ThroughAnyGatewayAsync(grain.GetAsync, cancellationToken).ConfigureAwait(false) ?? throw new GridException($"There is no job {jobId} in the cluster's job store.");
            ThrowIfWrongOutput<TOut>(job);
        }
        catch (Exception exception)
        {
            handle.SetFailed(exception);
            throw;
        }

        var position = 0L;
        var losses = 0;
        for (var reading = true; reading;)
        {
            reading = false;
            var results = grain.ReadResultsAsync(options.FailedOnly, position).WithCancellation(cancellationToken).ConfigureAwait(false).GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    StoredResultBatch batch;
                    try
                    {
                        if (!await results.MoveNextAsync())
                        {
                            break;
                        }

                        batch = results.Current;
                    }
                    catch (Exception exception) when (IsSiloLoss(exception) && ++losses <= 10)
                    {
                        // The silo serving the stream is gone: read on through another, from the last batch received.
                        reading = true;
                        break;
                    }
                    catch (Exception exception)
                    {
                        handle.SetFailed(exception);
                        throw;
                    }

                    position = batch.Position;
                    if (batch.Job is { } now)
                    {
                        options.Progress?.Report(ProgressOf(now));
                    }

                    for (var i = 0; i < batch.Count; i++)
                    {
                        yield return ToResult<TOut>(batch, i);
                    }
                }
            }
            finally
            {
                await results.DisposeAsync();
            }
        }

        JobSummary summary;
        try
        {
            summary = await ThroughAnyGatewayAsync(grain.GetSummaryAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            handle.SetFailed(exception);
            throw;
        }

        handle.SetSummary(summary);
    }

    private static JobProgress ProgressOf(StoredJob job)
        => new(job.Total, job.Succeeded, job.Failed, job.TimedOut, job.Cancelled, job.State == StoredJobState.Submitting ? null : job.Total,
            job.Started is { } started ? (job.Finished ?? DateTimeOffset.UtcNow) - started : TimeSpan.Zero);

    private static bool IsSiloLoss(Exception exception)
        => exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException || exception.GetType().Name == "EnumerationAbortedException";

    private static void ThrowIfWrongOutput<TOut>(StoredJob job)
    {
        var wanted = typeof(TOut);
        if (wanted == typeof(JsonElement) || wanted == typeof(object) || job.OutputType.Length == 0)
        {
            return;
        }

        if (!string.Equals(wanted.FullName, job.OutputType, StringComparison.Ordinal))
        {
            throw new GridException($"Job {job.JobId} returns {job.OutputType}, but the call reads {wanted.FullName}; attach with that type, or with JsonElement for the values as stored.");
        }
    }

    private static ItemResult<TOut> ToResult<TOut>(StoredResultBatch batch, int i)
    {
        var error = batch.Errors?[i];
        var value = error is null ? JsonSerializer.Deserialize<TOut>(batch.Values[i].Span, PackedItems.Json) : default;
        return new ItemResult<TOut>(batch.Indices[i], value, error, batch.Durations[i], batch.Workers[i]) { Attempts = batch.Attempts[i] };
    }

    /// <summary>Lists the cluster's detached jobs, most recently submitted first.</summary>
    /// <param name="limit">The most jobs to list, 1 to 10,000.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridException">The cluster has no job store.</exception>
    public async Task<IReadOnlyList<StoredJob>> GetJobsAsync(int limit = 50, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return await ThroughAnyGatewayAsync(() => _cluster.GetGrain<IStoredJobsGrain>(0).ListAsync(limit), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets a detached job as stored now, or <see langword="null"/> when there is no such job.</summary>
    /// <exception cref="GridException">The cluster has no job store.</exception>
    public async Task<StoredJob?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return await ThroughAnyGatewayAsync(_cluster.GetGrain<IStoredJobGrain>(jobId).GetAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a detached job: a queued one ends at once; a running one drops its queued items and signals its running kernels within a second or so.</summary>
    /// <returns>The job after the call (still <see cref="StoredJobState.Running"/> until its owner has stopped it).</returns>
    /// <exception cref="GridException">The cluster has no job store, or no such job exists.</exception>
    public async Task<StoredJob> CancelJobAsync(Guid jobId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return await ThroughAnyGatewayAsync(() => _cluster.GetGrain<IStoredJobGrain>(jobId).CancelAsync(reason ?? "The job was cancelled."), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a finished detached job with its inputs and results now, rather than after the silos' retention.</summary>
    /// <exception cref="GridException">The cluster has no job store, no such job exists, or the job has not ended (cancel it first).</exception>
    public async Task ForgetJobAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await ThroughAnyGatewayAsync(_cluster.GetGrain<IStoredJobGrain>(jobId).ForgetAsync, cancellationToken).ConfigureAwait(false);
    }

    // A stored job's calls hold no state in the silo that serves them, so a call whose silo (or gateway) died is made again through another.
    private static async Task<T> ThroughAnyGatewayAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (attempt < 10 && IsSiloLoss(exception))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Task ThroughAnyGatewayAsync(Func<Task> call, CancellationToken cancellationToken)
        => ThroughAnyGatewayAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static async IAsyncEnumerable<T> AsAsync<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

/// <summary>A detached job once its inputs are stored: its id (which <c>grid attach</c>, <c>grid cancel</c> and <c>grid forget</c> take), its kernel and its number of inputs.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Kernel">The kernel it runs.</param>
/// <param name="Total">Its inputs, all stored.</param>
public sealed record DetachedJob(Guid Id, string Kernel, long Total);

/// <summary>Which results <see cref="GridClient.AttachAsync{TOut}"/> reads and where its progress goes.</summary>
public sealed record AttachOptions
{
    /// <summary>Gets whether only the items that did not succeed (failed, timed out, cancelled) are read.</summary>
    public bool FailedOnly { get; init; }

    /// <summary>Gets the receiver of progress reports, one per batch of results read (about ten a second at most).</summary>
    public IProgress<JobProgress>? Progress { get; init; }
}
