using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Cluster.Silo;

/// <summary>Sends a job's chunks to the cluster's shared work queue and completes each when its result comes back to this silo's inbox.</summary>
/// <remarks>
/// Each chunk sent gets a fresh correlation id, so a late result of a chunk from an earlier claim of the job, or a second result
/// of a chunk the broker delivered twice (its first silo died after running it), matches nothing and is dropped.
/// </remarks>
internal sealed class ClusterChunkDispatcher(ClusterMember member, KernelRegistry kernels) : IChunkDispatcher
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ChunkResultMessage>> _pending = new(StringComparer.Ordinal);
    private long _nextCorrelation;

    public int WorkerSlots => Math.Max(member.View.WorkerSlots(), member.LocalWorkerSlots);

    public int Pending => _pending.Count;

    public async Task<ChunkResult> RunAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        var outputType = kernels.Get(chunk.Kernel).Info.OutputType;
        var correlation = Interlocked.Increment(ref _nextCorrelation).ToString(CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<ChunkResultMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation] = reply;
        try
        {
            var message = ChunkMessage.From(chunk, attempt: 1);
            await member.Broker.PublishAsync(
                string.Empty,
                member.Broker.Topology.WorkQueue,
                message,
                new PublishProperties(member.Inbox, correlation, Persistent: true, Activity.Current?.Context),
                cancellationToken).ConfigureAwait(false);
            var result = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result.ToChunkResult(outputType);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job was cancelled or timed out: the chunk's items end as cancelled, as they would on a local worker.
            return ChunkResult.NotRun(chunk, new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled before the chunk's result came back."), "none");
        }
        finally
        {
            _pending.TryRemove(correlation, out _);
        }
    }

    /// <summary>Hands a result from the inbox to the chunk waiting for it; a result nobody waits for is dropped.</summary>
    public void Complete(string? correlation, ChunkResultMessage result)
    {
        if (correlation is not null && _pending.TryGetValue(correlation, out var reply))
        {
            reply.TrySetResult(result);
        }
    }

    /// <summary>Fails every chunk still waiting: the connection they were sent on is gone, and so are the jobs that sent them.</summary>
    public void FailAll(string reason)
    {
        foreach (var (_, reply) in _pending)
        {
            reply.TrySetException(new GridException(reason));
        }
    }
}
