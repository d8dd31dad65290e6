using Grid.Jobs;
using Grid.Kernels;
using Grid.Serialization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Grid.Stored;

/// <summary>A client's way to one stored job: its submission, its results, its summary, cancelling and forgetting it; all of it read from and written to the job store, so the grain holds nothing a silo's death could lose.</summary>
/// <remarks>Reentrant, so that two readers of one job (two <c>grid attach</c> at once), a cancel and a summary interleave.</remarks>
[Reentrant]
internal sealed class StoredJobGrain(JobStore store, KernelRegistry kernels, IOptions<SiloMessagingOptions> messaging) : Grain, IStoredJobGrain
{
    // A call waits out a restart of the store (its connections refused or dropped) this long before it fails saying so.
    private static readonly ResiliencePipeline StoreRetries = new ResiliencePipelineBuilder()
        .AddTimeout(TimeSpan.FromSeconds(30))
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
        })
        .Build();

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    private const int ReadBatch = 4096;

    // The most bytes of results one batch carries: within the message limit the silo's other messages keep to.
    private readonly int _budget = PayloadSize.BudgetOf(messaging.Value.MaxMessageBodySize);

    private Guid JobId => this.GetPrimaryKey();

    public async Task CreateAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Required();
        if (spec.JobId != JobId)
        {
            throw new GridException($"Job {spec.JobId} was sent to the grain of job {JobId}.");
        }

        if (spec.Fetch is not null)
        {
            throw new GridException("Fetch and upload jobs cannot be detached; only kernel jobs are stored.");
        }

        // The same checks a live job passes, made before anything is stored: a job that could never run is refused now, not found out later.
        JobSpecRules.CheckMap(spec, kernels);
        await StoreAsync(token => store.CreateAsync(spec, token));
    }

    public Task AppendAsync(long startIndex, Immutable<PackedItems> items)
    {
        Required();
        return StoreAsync(token => store.AppendInputsAsync(JobId, startIndex, items.Value, token));
    }

    public Task<StoredJob> SealAsync(long total)
    {
        Required();
        return StoreAsync(token => store.SealAsync(JobId, total, token));
    }

    public Task<StoredJob?> GetAsync()
    {
        Required();
        return StoreAsync(token => store.GetAsync(JobId, token));
    }

    public async IAsyncEnumerable<StoredResultBatch> ReadResultsAsync(bool failedOnly, long position)
    {
        var cancellationToken = CancellationToken.None;
        Required();
        var job = await StoreAsync(token => store.GetAsync(JobId, token)) ?? throw JobStore.NoSuchJob(JobId);
        var cursor = position;
        var cache = new JobStore.ReadCache();
        var quietSince = DateTimeOffset.UtcNow;
        while (true)
        {
            var (batch, last) = await StoreAsync(token => store.ReadResultsAsync(JobId, cursor, ReadBatch, _budget, failedOnly, token, cache));
            if (batch.Count > 0 || last > cursor)
            {
                cursor = last;
                job = await StoreAsync(token => store.GetAsync(JobId, token)) ?? throw JobStore.NoSuchJob(JobId);
                yield return batch with { Job = job, Position = cursor };
                quietSince = DateTimeOffset.UtcNow;
                continue;
            }

            if (job.State.IsFinished())
            {
                // Its owner stores every result before it ends the job, so once it has ended and nothing more came, the stream is whole.
                yield break;
            }

            if (DateTimeOffset.UtcNow - quietSince >= HeartbeatInterval)
            {
                yield return batch with { Job = job, Position = cursor };
                quietSince = DateTimeOffset.UtcNow;
            }

            await Task.Delay(PollInterval, cancellationToken);
            job = await StoreAsync(token => store.GetAsync(JobId, token)) ?? throw JobStore.NoSuchJob(JobId);
        }
    }

    public async Task<JobSummary> GetSummaryAsync()
    {
        Required();
        var job = await StoreAsync(token => store.GetAsync(JobId, token)) ?? throw JobStore.NoSuchJob(JobId);
        var usage = await StoreAsync(token => store.WorkerUsageAsync(JobId, token));
        var (retries, timeoutRetries, crashRetries, wall) = await StoreAsync(token => store.RunFactsAsync(JobId, token));
        return new JobSummary(JobId, job.Kernel, StoredJobStates.OutcomeOf(job.State), job.Total, job.Succeeded, job.Failed, job.TimedOut, job.Cancelled, wall, usage)
        {
            Error = job.Error,
            Retries = retries,
            TimeoutRetries = timeoutRetries,
            CrashRetries = crashRetries,
        };
    }

    public async Task<StoredJob> CancelAsync(string reason)
    {
        Required();
        reason = string.IsNullOrWhiteSpace(reason) ? "The job was cancelled." : reason;
        return await StoreAsync(token => store.CancelAsync(JobId, reason, token)) ?? throw JobStore.NoSuchJob(JobId);
    }

    public Task ForgetAsync()
    {
        Required();
        return StoreAsync(token => store.ForgetAsync(JobId, token));
    }

    // Calls the store, again while it is restarting, for up to 30 s; a failure then, or one that trying again cannot mend, is one
    // GridException saying so (a library's exception would tell a client little).
    internal static async Task<T> StoreAsync<T>(Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return await StoreRetries.ExecuteAsync(async token => await call(token), CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new GridException($"The cluster's job store failed: {(exception.InnerException ?? exception).Message}");
        }
    }

    private static Task StoreAsync(Func<CancellationToken, Task> call) => StoreAsync(async token =>
    {
        await call(token);
        return true;
    });

    private void Required()
    {
        if (!store.IsConfigured)
        {
            throw JobStore.NoStore();
        }
    }
}

/// <summary>Lists the cluster's stored jobs from the job store; a stateless worker, so each silo answers from its own activations.</summary>
[StatelessWorker]
internal sealed class StoredJobsGrain(JobStore store) : Grain, IStoredJobsGrain
{
    /// <summary>The most jobs one list may hold.</summary>
    public const int MaxLimit = 10_000;

    public Task<StoredJob[]> ListAsync(int limit)
    {
        if (!store.IsConfigured)
        {
            throw JobStore.NoStore();
        }

        if (limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"A list of jobs holds 1 to {MaxLimit} jobs; got {limit}.");
        }

        return StoredJobGrain.StoreAsync(token => store.ListAsync(limit, token));
    }
}
