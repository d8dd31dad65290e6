using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>The time limits of one chunk's items (the item's own and the job's deadline) as cancellation tokens, and the errors that say which limit stopped an item.</summary>
/// <remarks>One token source serves the whole chunk and is reset between items, so a limit costs a timer update per item, not an allocation.</remarks>
internal sealed class ItemLimits : IDisposable
{
    // The longest delay a cancellation timer takes (about 49.7 days): a longer limit (a silo takes any positive one, and a worker
    // process any the silo sends) sets no timer, where CancelAfter would throw.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeSpan? _itemTimeout;
    private readonly TimeSpan? _jobTimeLeft;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationToken _chunkToken;
    private CancellationTokenSource? _item;

    private ItemLimits(TimeSpan? itemTimeout, TimeSpan? jobTimeLeft, CancellationToken jobToken)
    {
        _itemTimeout = itemTimeout;
        _jobTimeLeft = jobTimeLeft;
        if (jobTimeLeft is { } left && left <= LongestTimer)
        {
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(jobToken);
            _deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        _chunkToken = _deadline?.Token ?? jobToken;
    }

    public static ItemLimits Create(Chunk chunk, TimeProvider time, CancellationToken jobToken)
        => new(chunk.ItemTimeout, chunk.Deadline is { } deadline ? deadline - time.GetUtcNow() : null, jobToken);

    /// <summary>Makes the limits of a chunk given its item time limit and the time its job has left (a worker process gets them so).</summary>
    public static ItemLimits Create(TimeSpan? itemTimeout, TimeSpan? jobTimeLeft, CancellationToken jobToken) => new(itemTimeout, jobTimeLeft, jobToken);

    /// <summary>Gets the token signalled when the job is cancelled or its time limit passes.</summary>
    public CancellationToken ChunkToken => _chunkToken;

    /// <summary>Returns why the next item must not start (the job was cancelled or its time ran out), or <see langword="null"/> when it may.</summary>
    public ItemError? StopReason(CancellationToken jobToken)
    {
        if (jobToken.IsCancellationRequested)
        {
            return new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled before the item ran.");
        }

        return _deadline is { IsCancellationRequested: true }
            ? new ItemError(ItemStatus.Cancelled, typeof(TimeoutException).FullName!, $"The job's time limit passed before the item ran.")
            : null;
    }

    /// <summary>Returns the token the kernel gets for the next item.</summary>
    public CancellationToken BeginItem()
    {
        if (_itemTimeout is not { } timeout || timeout > LongestTimer)
        {
            return _chunkToken;
        }

        _item ??= CancellationTokenSource.CreateLinkedTokenSource(_chunkToken);
        _item.CancelAfter(timeout);
        return _item.Token;
    }

    /// <summary>Readies the item token source for the next item.</summary>
    public void EndItem()
    {
        if (_item is not null && !_item.TryReset())
        {
            _item.Dispose();
            _item = null;
        }
    }

    /// <summary>Lets go of the item token source of an abandoned item, whose kernel may still hold its token: it is cancelled (so the kernel can still see that) and never reused.</summary>
    public void AbandonItem()
    {
        if (_item is { } item)
        {
            _item = null;
            _ = item.CancelAsync();
        }
    }

    /// <summary>Returns the error of an item that returned a value only after its job was cancelled or a limit had passed, or <see langword="null"/> when it was in time.</summary>
    public ItemError? LateError(TimeSpan duration, CancellationToken jobToken)
    {
        if (jobToken.IsCancellationRequested)
        {
            return new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled while the item ran.");
        }

        if (_itemTimeout is { } timeout && duration > timeout)
        {
            return TimedOut($"The item ran for {duration.TotalMilliseconds:0.###} ms, past its time limit of {timeout.TotalMilliseconds:0.###} ms.");
        }

        return _deadline is { IsCancellationRequested: true } ? JobTimedOut() : null;
    }

    /// <summary>Returns the error of an item whose kernel stopped on its token: cancelled with the job, or timed out by a limit.</summary>
    public ItemError CancelledError(TimeSpan duration, CancellationToken jobToken)
    {
        if (jobToken.IsCancellationRequested)
        {
            return new ItemError(ItemStatus.Cancelled, typeof(OperationCanceledException).FullName!, "The job was cancelled while the item ran.");
        }

        return _deadline is { IsCancellationRequested: true }
            ? JobTimedOut()
            : TimedOut($"The item passed its time limit of {_itemTimeout?.TotalMilliseconds:0.###} ms (stopped after {duration.TotalMilliseconds:0.###} ms).");
    }

    public void Dispose()
    {
        _item?.Dispose();
        _deadline?.Dispose();
    }

    private static ItemError TimedOut(string message) => new(ItemStatus.TimedOut, typeof(TimeoutException).FullName!, message);

    private ItemError JobTimedOut() => TimedOut($"The job's time limit passed while the item ran (time left when its chunk started: {_jobTimeLeft?.TotalMilliseconds:0.###} ms).");
}
