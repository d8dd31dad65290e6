namespace Grid.Kernels.Isolation;

/// <summary>A thread that runs one kernel call at a time for a worker, which the worker waits on with a limit and can walk away from when a kernel ignores its token.</summary>
/// <remarks>
/// .NET cannot stop a thread, so an abandoned call keeps running until its kernel returns (or the process ends); the thread then
/// ends without anyone reading its result. That leftover CPU and memory use is the price of an in-process hard limit, and the
/// reason <see cref="KernelIsolation.Process"/> exists. The events are never disposed: they own no handle unless waited on with
/// one, and an abandoned thread may still touch them after its owner has moved on.
/// </remarks>
internal sealed class KernelThread : IDisposable
{
    private readonly ManualResetEventSlim _start = new(false);
    private readonly ManualResetEventSlim _done = new(false);
    private IKernelCall? _call;
    private volatile bool _stopping;
    private volatile bool _abandoned;

    public KernelThread(string name) => new Thread(Run) { IsBackground = true, Name = name }.Start();

    /// <summary>Gets whether the thread was walked away from; it then takes no more calls.</summary>
    public bool Abandoned => _abandoned;

    /// <summary>Runs <paramref name="call"/> on the thread and waits up to <paramref name="limit"/>; returns <see langword="false"/>, leaving the call running and this thread abandoned, when it did not finish in time.</summary>
    public bool TryRun(IKernelCall call, TimeSpan limit)
    {
        ObjectDisposedException.ThrowIf(_abandoned || _stopping, this);
        _done.Reset();
        Volatile.Write(ref _call, call);
        _start.Set();
        if (_done.Wait(limit))
        {
            return true;
        }

        _abandoned = true;
        return false;
    }

    /// <summary>Ends the thread once its current call (if any) returns.</summary>
    public void Dispose()
    {
        _stopping = true;
        _start.Set();
    }

    private void Run()
    {
        while (true)
        {
            _start.Wait();
            _start.Reset();
            if (Interlocked.Exchange(ref _call, null) is not { } call)
            {
                if (_stopping)
                {
                    return;
                }

                continue;
            }

            call.Invoke();
            if (_stopping || _abandoned)
            {
                // The worker has moved on (or gone): nobody waits for this thread any more.
                return;
            }

            _done.Set();
        }
    }
}
