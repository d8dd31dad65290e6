using Grid.Client.Cluster;
using Grid.Jobs;

namespace Grid.Client;

/// <summary>How a cluster job goes on when its silo dies: the batches kept until answered, the index map of each job grain, and the start on a live silo.</summary>
internal sealed partial class MapSession<TIn, TOut>
{
    // A job is started again at most this often; a cluster that keeps losing the job's silo fails the job instead.
    private const int MaxFailovers = 5;

    // Starting the job again is tried this often, half a second apart: long enough for membership to declare a dead silo dead
    // and for the client's gateway list (refreshed every 5 s) to drop it.
    private const int StartAttempts = 40;

    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ResultLedger? _ledger = restart is null ? null : new ResultLedger();
    private readonly List<(long Start, TIn[] Items)> _kept = [];
    private readonly List<(long JobStart, long Start, int Count)> _segments = [];
    private readonly ItemCounts _counts = new();
    private readonly long _started = time.GetTimestamp();
    private CancellationTokenSource _generation = new();
    private JobSpec? _startSpec;
    private string? _endReason;
    private long _jobRead;
    private bool _inputSent;
    private int _failovers;

    /// <summary>Tells the job grain of now, every second until <paramref name="cancellationToken"/> ends, that its client is still there.</summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            // The first at once: from it on, the job takes a silent client for gone.
            do
            {
                try
                {
                    await _job.KeepAliveAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A heartbeat that cannot be sent changes nothing: the reader notices a lost silo by itself.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The session has ended.
        }
    }

    private IAsyncEnumerator<ChunkResult> ReadResults(CancellationToken cancellationToken)
        => _job.ReadResultsAsync().WithBatchSize(1).GetAsyncEnumerator(cancellationToken);

    /// <summary>Sends one batch to the job grain of now; on a cluster the batch is kept, under this job grain's indices, until each of its items has a result.</summary>
    private async Task SendAsync(long start, TIn[] items, int[]? sizes, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var jobStart = start;
            if (_ledger is not null)
            {
                lock (_kept)
                {
                    _kept.Add((start, items));
                }

                jobStart = Map(start, items.Length);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _generation.Token);
            try
            {
                // Each call returns when the job has room: the input's backpressure.
                await _job.PushAsync(new InputBatch(jobStart, items) { Sizes = sizes }, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_generation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The job is being started again elsewhere; the new job grain gets this batch with the others kept.
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task EndInputAsync(string? reason, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _inputEnded = true;
            _inputSent = true;
            _endReason = reason;
            await _job.CompleteInputsAsync(reason).ConfigureAwait(false);
        }
        catch (Exception exception) when (_ledger is not null && IsSiloLoss(exception))
        {
            // The job's silo is gone; the job started again elsewhere is told the input has ended.
        }
        finally
        {
            _sending.Release();
        }
    }

    // Gives the items start..start+count-1 the next indices of the job grain of now.
    private long Map(long start, int count)
    {
        var jobStart = _jobRead;
        lock (_segments)
        {
            _segments.Add((jobStart, start, count));
        }

        _jobRead += count;
        return jobStart;
    }

    /// <summary>Returns, for each item of <paramref name="chunk"/> that has no result yet, its offset in the chunk and its index in the caller's input; marks them delivered.</summary>
    private List<(int Offset, long Index)> Settle(ChunkResult chunk)
    {
        var settled = new List<(int, long)>(chunk.Count);
        for (var i = 0; i < chunk.Count;)
        {
            var (jobStart, start, count) = SegmentOf(chunk.StartIndex + i);
            var from = chunk.StartIndex + i - jobStart;
            var length = (int)Math.Min(count - from, chunk.Count - i);
            foreach (var (offset, run) in _ledger!.Add(start + from, length))
            {
                for (var k = 0; k < run; k++)
                {
                    settled.Add((i + offset + k, start + from + offset + k));
                }
            }

            i += length;
        }

        ForgetAnswered();
        return settled;
    }

    // The batches of the job grain of now are added as they are sent, while the reader looks them up.
    private (long JobStart, long Start, int Count) SegmentOf(long jobIndex)
    {
        lock (_segments)
        {
            return FindSegment(jobIndex);
        }
    }

    private (long JobStart, long Start, int Count) FindSegment(long jobIndex)
    {
        int low = 0, high = _segments.Count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_segments[mid].JobStart <= jobIndex)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return _segments[low];
    }

    // Lets go of kept batches whose items all have results.
    private void ForgetAnswered()
    {
        var floor = _ledger!.Floor;
        lock (_kept)
        {
            var drop = 0;
            while (drop < _kept.Count && _kept[drop].Start + _kept[drop].Items.Length <= floor)
            {
                drop++;
            }

            _kept.RemoveRange(0, drop);
        }
    }

    // A result call cancelled by Orleans, not by the caller, is a gateway that shut down under it: the job's stream is gone with it.
    private bool CanFailOver(Exception exception, CancellationToken cancellationToken)
        => restart is not null && _failovers < MaxFailovers && !cancellationToken.IsCancellationRequested
            && (IsSiloLoss(exception) || exception is OperationCanceledException);

    private static bool IsSiloLoss(Exception exception) => exception is JobSiloLostException or SiloUnavailableException
        or EnumerationAbortedException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException;

    /// <summary>Starts the job again on the live silos after its silo was lost: a new job grain with the same settings, the kept items that have no result yet, then the rest of the input.</summary>
    private async Task<IAsyncEnumerator<ChunkResult>> FailOverAsync(IAsyncEnumerator<ChunkResult> lost, Exception reason, CancellationToken cancellationToken)
    {
        _failovers++;

        // The old stream's end would be one more call to the dead silo: let it go without waiting.
        _ = lost.DisposeAsync().AsTask().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        await _generation.CancelAsync().ConfigureAwait(false);
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _generation.Dispose();
            _generation = new CancellationTokenSource();
            var again = _startSpec! with { JobId = Guid.NewGuid() };
            _job = restart!(again);
            await StartAgainAsync(again, reason, cancellationToken).ConfigureAwait(false);
            lock (_segments)
            {
                _segments.Clear();
            }

            _jobRead = 0;
            var replay = new List<InputBatch>();
            (long Start, TIn[] Items)[] kept;
            lock (_kept)
            {
                kept = [.. _kept];
            }

            foreach (var (start, items) in kept)
            {
                foreach (var (offset, length) in _ledger!.Missing(start, items.Length))
                {
                    replay.Add(new InputBatch(Map(start + offset, length), items[offset..(offset + length)]));
                }
            }

            // The new job grain takes the replayed batches while this reader goes on reading its results; new input waits behind them.
            _ = ReplayAsync(replay, cancellationToken);
            return ReadResults(cancellationToken);
        }
        catch
        {
            _sending.Release();
            throw;
        }
    }

    private async Task StartAgainAsync(JobSpec again, Exception reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _job.StartAsync(again).WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (attempt < StartAttempts && (IsSiloLoss(exception) || exception is OrleansException))
            {
                // The new grain was placed on (or the call sent through) the silo that is gone, before membership and the client's
                // gateway list said so: place it again shortly, under a new id.
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
                _job = restart!(again with { JobId = Guid.NewGuid() });
                again = again with { JobId = _job.GetPrimaryKey() };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new GridException($"Job {spec.JobId} lost its silo ({reason.Message}) and could not be started again: {exception.Message}", exception);
            }
        }
    }

    private async Task ReplayAsync(List<InputBatch> replay, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var batch in replay)
            {
                await _job.PushAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            if (_inputSent)
            {
                await _job.CompleteInputsAsync(_endReason).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException || IsSiloLoss(exception))
        {
            // Stopped, or the new silo was lost as well: the reader notices its silence and starts the job again from what has no result.
        }
        finally
        {
            _sending.Release();
        }
    }
}
