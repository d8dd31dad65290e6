using System.Diagnostics;
using SiloStatus = Grid.Cluster.SiloStatus;
using Grid.Jobs;
using Orleans.GrainDirectory;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Grid.Serialization;
using Orleans.Configuration;

namespace Grid.Workers;

/// <summary>The worker pool of one silo: pulls chunks of the jobs that offered work while its workers can take more, runs them on the silo's kernel threads and hands each result back to its job.</summary>
/// <remarks>
/// It holds at most <see cref="JobOptions.ChunksPerWorker"/> chunks per worker (running or queued), so a worker finds its next chunk
/// waiting, a busy silo takes less and an idle or faster one more. Jobs are served in turn, one pull each. Reentrant: pulls, results
/// and offers interleave at awaits, one at a time on the activation, so its state needs no locks.
/// </remarks>
[SiloBoundPlacement]
[GrainDirectory(GrainDirectoryName = WorkerPools.DirectoryName)]
[Reentrant]
internal sealed partial class WorkerPoolGrain(
    WorkerPool pool,
    IGridSilo silo,
    JobMonitor monitor,
    IOptions<JobOptions> options,
    IOptions<SiloMessagingOptions> messaging,
    ILogger<WorkerPoolGrain> logger) : Grain, IWorkerPoolGrain
{
    private readonly LinkedList<Guid> _offers = new();
    private readonly Dictionary<Guid, JobWork> _jobs = [];
    private readonly int _capacity = pool.Workers * Math.Max(1, options.Value.ChunksPerWorker);
    private readonly int _budget = PayloadSize.BudgetOf(messaging.Value.MaxMessageBodySize);
    private readonly DateTimeOffset _started = silo.TimeProvider.GetUtcNow();
    private int _held;
    private bool _pulling;

    private string Key => this.GetPrimaryKeyString();

    public Task OfferAsync(Guid jobId)
    {
        if (!_offers.Contains(jobId))
        {
            _offers.AddLast(jobId);
        }

        Pull();
        return Task.CompletedTask;
    }

    public Task CancelJobAsync(Guid jobId, string reason)
    {
        pool.CancelSubmit(jobId);
        _offers.Remove(jobId);
        if (_jobs.TryGetValue(jobId, out var work))
        {
            work.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task<SiloStatus> GetStatusAsync()
    {
        using var process = Process.GetCurrentProcess();
        var jobs = monitor.GetJobs().Count(j => j.Outcome is null);
        return Task.FromResult(new SiloStatus(
            silo.SiloName,
            Environment.MachineName,
            Environment.ProcessId,
            "Active",
            pool.Workers,
            pool.Busy,
            pool.Queued,
            0,
            jobs,
            _held,
            _started,
            silo.TimeProvider.GetUtcNow(),
            process.WorkingSet64,
            process.TotalProcessorTime.TotalSeconds,
            Environment.ProcessorCount));
    }

    // Starts pulling unless a pull is under way: one pull at a time keeps the chunks held within capacity.
    private void Pull()
    {
        if (!_pulling && !pool.Stopping && _offers.Count > 0 && _held < _capacity)
        {
            _pulling = true;
            _ = PullAsync();
        }
    }

    private async Task PullAsync()
    {
        try
        {
            while (_offers.First is { } first && _held < _capacity && !pool.Stopping)
            {
                var jobId = first.Value;
                _offers.RemoveFirst();
                Chunk[] chunks;
                try
                {
                    chunks = (await GrainFactory.GetGrain<IChunkSource>(jobId).TakeChunksAsync(Key, pool.Workers, _capacity - _held)).Value;
                }
                catch (Exception exception)
                {
                    // The job's silo is gone or the job ended: there is nothing to take, and the job (or its client) runs its items elsewhere.
                    LogPullFailed(logger, exception, jobId);
                    continue;
                }

                if (chunks.Length == 0)
                {
                    // The job has nothing to hand out now; it offers again when it has.
                    continue;
                }

                // Served: the job goes to the back, so jobs take turns.
                _offers.AddLast(jobId);
                var work = _jobs.TryGetValue(jobId, out var known) ? known : _jobs[jobId] = new JobWork();
                foreach (var chunk in chunks)
                {
                    _held++;
                    work.Held++;
                    _ = RunAsync(jobId, work, chunk);
                }
            }
        }
        finally
        {
            _pulling = false;
        }
    }

    private async Task RunAsync(Guid jobId, JobWork work, Chunk chunk)
    {
        ChunkResult result;
        try
        {
            result = await pool.RunAsync(chunk, work.Token);
        }
        catch (WorkerPoolStoppedException)
        {
            // The silo is stopping and the chunk did not run: its job hands it out again once membership says this silo is gone.
            Release(jobId, work);
            return;
        }
        catch (Exception exception)
        {
            // The chunk could not run at all: each of its items gets the reason, and the job goes on.
            LogChunkFailed(logger, exception, chunk.JobId, chunk.ChunkId);
            result = ChunkResult.NotRun(chunk, ItemError.FromException(exception) with { Detail = null }, worker: $"{silo.SiloName}/none");
        }

        Release(jobId, work);
        Pull();
        try
        {
            // A result too large for one message goes back in parts, measured off the activation's turn.
            var parts = ResultParts.MayExceed(result, _budget) ? await Task.Run(() => ResultParts.Split(result, _budget)) : [result];
            var job = GrainFactory.GetGrain<IChunkSource>(jobId);
            foreach (var part in parts)
            {
                await job.CompleteChunksAsync(Key, new Immutable<ChunkResult[]>([part]));
            }
        }
        catch (Exception exception)
        {
            // The job's silo died: its client starts the job again from the items it has no result for, so this result is not lost.
            LogResultLost(logger, exception, chunk.JobId, chunk.ChunkId);
        }
    }

    // One chunk of the job has left the pool: forget the job once the pool holds none of it and has no offer of it.
    private void Release(Guid jobId, JobWork work)
    {
        _held--;
        if (--work.Held == 0 && !_offers.Contains(jobId))
        {
            _jobs.Remove(jobId);
            work.Dispose();
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Could not pull chunks of job {JobId}")]
    private static partial void LogPullFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Chunk {ChunkId} of job {JobId} could not run")]
    private static partial void LogChunkFailed(ILogger logger, Exception exception, Guid jobId, long chunkId);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "The result of chunk {ChunkId} of job {JobId} could not be handed back")]
    private static partial void LogResultLost(ILogger logger, Exception exception, Guid jobId, long chunkId);

    // What the pool holds of one job: how many of its chunks, and the token its running kernels see when it stops.
    private sealed class JobWork : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();

        public int Held { get; set; }

        public CancellationToken Token => _cancellation.Token;

        public void Cancel() => _cancellation.Cancel();

        public void Dispose() => _cancellation.Dispose();
    }
}
