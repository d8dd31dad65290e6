namespace Grid.Cluster.Silo;

/// <summary>Bounds how many results a job's silo has sent that its client has not yet consumed, so a slow consumer slows the job instead of filling the broker.</summary>
internal sealed class CreditWindow(int size)
{
    private readonly Lock _gate = new();
    private long _outstanding;
    private TaskCompletionSource? _room;

    /// <summary>Waits until <paramref name="count"/> more items fit (or nothing is outstanding), then counts them as sent.</summary>
    public async Task TakeAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_outstanding == 0 || _outstanding + count <= size)
                {
                    _outstanding += count;
                    return;
                }

                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _room.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns credit for items the client has consumed.</summary>
    public void Release(long count)
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _outstanding = Math.Max(0, _outstanding - count);
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }
}
