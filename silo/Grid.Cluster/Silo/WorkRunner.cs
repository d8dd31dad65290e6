using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.Logging;

namespace Grid.Cluster.Silo;

/// <summary>Takes chunks from the shared work queue (no more at once than this silo has workers), runs each on the local worker pool and sends its result to the job's silo.</summary>
/// <remarks>
/// A chunk is acknowledged only once its result has been handed to the broker, so a silo that dies mid-chunk leaves the chunk to be
/// delivered to another silo. Chunks of a cancelled job are dropped unrun, and its running chunks see their token.
/// </remarks>
internal sealed partial class WorkRunner(KernelRegistry kernels, IGrainFactory grainFactory, IGrainRuntime runtime, ILogger<WorkRunner> logger)
{
    private static readonly TimeSpan CancelledMemory = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _cancelled = new();
    private readonly ConcurrentDictionary<long, (Guid JobId, CancellationTokenSource Cancellation)> _running = new();
    private readonly IWorkerGrain _worker = grainFactory.GetGrain<IWorkerGrain>(0);
    private TaskCompletionSource? _drained;
    private long _nextRun;

    public int Running => _running.Count;

    /// <summary>Takes one delivery from the work queue: starts its chunk and returns, so the consumer can take the next while workers are free.</summary>
    public Task HandleAsync(ClusterMember member, Delivery delivery)
    {
        if (delivery.Kind != MessageKinds.Chunk)
        {
            throw new WireFormatException($"The work queue holds only '{MessageKinds.Chunk}' messages; got '{delivery.Kind}'.");
        }

        var message = WireMessage.Decode(delivery.Body, delivery.Kind, ChunkMessage.Read);
        if (string.IsNullOrEmpty(delivery.ReplyTo))
        {
            throw new WireFormatException($"Chunk {message.ChunkId} of job {message.JobId} has no reply address.");
        }

        if (_cancelled.ContainsKey(message.JobId))
        {
            return delivery.AckAsync();
        }

        var run = Interlocked.Increment(ref _nextRun);
        var cancellation = new CancellationTokenSource();
        _running[run] = (message.JobId, cancellation);
        _ = Task.Run(() => RunAsync(member, delivery, message, run, cancellation));
        return Task.CompletedTask;
    }

    /// <summary>Marks a job cancelled: its queued chunks are dropped when they arrive and its running chunks see their token.</summary>
    public void Cancel(Guid jobId)
    {
        var now = runtime.TimeProvider.GetUtcNow();
        _cancelled[jobId] = now;
        foreach (var (_, entry) in _running)
        {
            if (entry.JobId == jobId)
            {
                entry.Cancellation.Cancel();
            }
        }

        if (_cancelled.Count > 1024)
        {
            foreach (var (id, when) in _cancelled)
            {
                if (now - when > CancelledMemory)
                {
                    _cancelled.TryRemove(id, out _);
                }
            }
        }
    }

    /// <summary>Waits for the running chunks to finish, for at most <paramref name="grace"/>; returns how many were still running.</summary>
    public async Task<int> DrainAsync(TimeSpan grace)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        if (_running.IsEmpty)
        {
            return 0;
        }

        await drained.Task.WaitAsync(grace).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return _running.Count;
    }

    private async Task RunAsync(ClusterMember member, Delivery delivery, ChunkMessage message, long run, CancellationTokenSource cancellation)
    {
        using var activity = GridDiagnostics.Runtime.HasListeners()
            ? GridDiagnostics.Runtime.StartActivity($"grid.work {message.Kernel}", ActivityKind.Consumer, delivery.Parent)
            : null;
        activity?.SetTag(GridTags.JobId, message.JobId.ToString());
        activity?.SetTag(GridTags.ChunkId, message.ChunkId);
        activity?.SetTag(GridTags.Silo, runtime.SiloName);
        try
        {
            ChunkResultMessage result;
            Chunk chunk;
            try
            {
                chunk = message.ToChunk(kernels.Get(message.Kernel).Info.InputType);
            }
            catch (GridException exception)
            {
                // An unknown kernel or items that are not the kernel's input type: every item of the chunk gets the reason.
                LogChunkRefused(logger, message.JobId, message.ChunkId, exception.Message);
                result = Failed(message, new ItemError(ItemStatus.Failed, exception.GetType().FullName!, exception.Message), runtime.SiloName);
                await member.Broker.PublishAsync(string.Empty, delivery.ReplyTo!, result, new PublishProperties(CorrelationId: delivery.CorrelationId)).ConfigureAwait(false);
                await delivery.AckAsync().ConfigureAwait(false);
                return;
            }

            ChunkResult ran;
            try
            {
                ran = await _worker.RunChunkAsync(chunk, cancellation.Token).ConfigureAwait(false);
            }
            catch (GridException exception)
            {
                // The worker refused the chunk because this silo is stopping (past its grace period): another silo runs it.
                LogHandedOn(logger, message.JobId, message.ChunkId, exception.Message);
                await delivery.RejectAsync(requeue: true).ConfigureAwait(false);
                return;
            }

            result = ChunkResultMessage.From(MessageKinds.ChunkDone, ran, Guid.Empty, 0);
            await member.Broker.PublishAsync(string.Empty, delivery.ReplyTo!, result, new PublishProperties(CorrelationId: delivery.CorrelationId)).ConfigureAwait(false);
            await delivery.AckAsync().ConfigureAwait(false);
        }
        catch (BrokerUnavailableException exception)
        {
            // Unacknowledged, the chunk goes back to the queue with the connection and runs again elsewhere.
            LogResultLost(logger, message.JobId, message.ChunkId, exception.Message);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogChunkFailed(logger, exception, message.JobId, message.ChunkId);
            await delivery.RejectAsync(requeue: false).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(run, out _);
            cancellation.Dispose();
            if (_running.IsEmpty)
            {
                Volatile.Read(ref _drained)?.TrySetResult();
            }
        }
    }

    private static ChunkResultMessage Failed(ChunkMessage message, ItemError error, string worker)
    {
        var errors = new ItemError?[message.Count];
        Array.Fill(errors, error);
        return new ChunkResultMessage(MessageKinds.ChunkDone, message.JobId, Guid.Empty, message.ChunkId, message.StartIndex, null, errors, new TimeSpan[message.Count], worker, TimeSpan.Zero, DateTimeOffset.UtcNow);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {ChunkId} of job {JobId} cannot run here: {Reason}")]
    private static partial void LogChunkRefused(ILogger logger, Guid jobId, long chunkId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chunk {ChunkId} of job {JobId} goes back to the work queue: {Reason}")]
    private static partial void LogHandedOn(ILogger logger, Guid jobId, long chunkId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The result of chunk {ChunkId} of job {JobId} could not be sent ({Reason}); the chunk returns to the queue")]
    private static partial void LogResultLost(ILogger logger, Guid jobId, long chunkId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chunk {ChunkId} of job {JobId} failed outside its kernel; it goes to the dead-letter queue")]
    private static partial void LogChunkFailed(ILogger logger, Exception exception, Guid jobId, long chunkId);
}
