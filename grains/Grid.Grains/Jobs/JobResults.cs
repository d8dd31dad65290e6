using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Grid.Jobs;

/// <summary>The delivery side of a job grain: final results queued in completion or input order, read once by the job's client, and the room for more input that each delivery makes.</summary>
/// <remarks>Used only inside its grain's turns, so it needs no locks; the job and I/O grains share it.</remarks>
internal sealed class JobResults
{
    private readonly Channel<ChunkResult> _channel = Channel.CreateUnbounded<ChunkResult>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SortedDictionary<long, ChunkResult> _outOfOrder = [];
    private TaskCompletionSource? _room;
    private long _nextOrdered;
    private long _delivered;
    private bool _attached;

    /// <summary>Gets whether a client is reading the results now; the grain must not be collected meanwhile.</summary>
    public bool ReaderOpen { get; private set; }

    /// <summary>Gets whether the results are complete and every one has been read.</summary>
    public bool AllRead => _channel.Reader.Completion.IsCompleted;

    /// <summary>Queues a final result; with <paramref name="ordered"/>, holds it until every item before it has been queued.</summary>
    public void Add(ChunkResult result, bool ordered)
    {
        if (!ordered)
        {
            _channel.Writer.TryWrite(result);
            return;
        }

        _outOfOrder[result.StartIndex] = result;
        while (_outOfOrder.Remove(_nextOrdered, out var next))
        {
            _nextOrdered += next.Count;
            _channel.Writer.TryWrite(next);
        }
    }

    /// <summary>Waits until a batch of <paramref name="incoming"/> items fits beside the <paramref name="read"/> items taken so far under <paramref name="maxInFlight"/> undelivered items (a larger batch waits for an empty job), or until <paramref name="stopped"/> says the job stopped.</summary>
    public async Task WaitForRoomAsync(long read, int incoming, int maxInFlight, Func<bool> stopped, CancellationToken cancellationToken)
    {
        while (read - _delivered > 0 && read - _delivered + incoming > maxInFlight && !stopped())
        {
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _room.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Wakes an input batch waiting for room, to look again.</summary>
    public void SignalRoom()
    {
        var room = _room;
        _room = null;
        room?.TrySetResult();
    }

    /// <summary>Streams the results as they are queued, once per job; throws naming the job when a second reader comes.</summary>
    /// <remarks>While no result is ready, an empty result (no items) is sent every <see cref="HeartbeatInterval"/>, so that the reader can tell a slow job from a job whose silo is gone.</remarks>
    /// <remarks>A reader that leaves before the end (it disposed the stream, or Orleans let go of a stream nobody polled) calls <paramref name="readerGone"/>: nobody will take the rest.</remarks>
    public async IAsyncEnumerable<ChunkResult> ReadAsync(Guid jobId, TimeProvider time, Action readerGone, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_attached)
        {
            throw new GridException($"The results of job {jobId} are already being read; a job's results can be read once.");
        }

        _attached = true;
        ReaderOpen = true;
        try
        {
            while (true)
            {
                var ready = _channel.Reader.WaitToReadAsync(cancellationToken);
                if (!ready.IsCompleted)
                {
                    var waiting = ready.AsTask();
                    using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    if (await Task.WhenAny(waiting, Task.Delay(HeartbeatInterval, time, beat.Token)) != waiting)
                    {
                        yield return Heartbeat(jobId);
                        continue;
                    }

                    await beat.CancelAsync();
                    ready = new ValueTask<bool>(waiting);
                }

                if (!await ready)
                {
                    break;
                }

                while (_channel.Reader.TryRead(out var result))
                {
                    _delivered += result.Count;
                    SignalRoom();
                    yield return result;
                }
            }
        }
        finally
        {
            ReaderOpen = false;
            if (!_channel.Reader.Completion.IsCompleted)
            {
                readerGone();
            }
        }
    }

    /// <summary>Gets how often an empty result is sent while none is ready.</summary>
    public static TimeSpan HeartbeatInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Makes the empty result that tells a reader the job is alive.</summary>
    public static ChunkResult Heartbeat(Guid jobId) => new(jobId, -1, 0, null, null, [], string.Empty, TimeSpan.Zero);

    /// <summary>Ends the stream once the queued results are read; a cancelled job's results are let go instead, since only a client that stopped reading cancels a job.</summary>
    public void Complete(bool cancelled)
    {
        _channel.Writer.TryComplete();
        SignalRoom();
        if (cancelled)
        {
            while (_channel.Reader.TryRead(out _))
            {
            }
        }
    }
}
