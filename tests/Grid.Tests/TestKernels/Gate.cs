namespace Grid.Tests.TestKernels;

/// <summary>The test's side of the <see cref="GateKernel"/>: its items that block wait until the test opens the gate or their token is signalled, and every step is counted.</summary>
/// <remarks>Each test makes its own gate and passes it inside the items, so tests sharing one cluster never share kernel state.</remarks>
internal sealed class Gate : IDisposable
{
    private readonly ManualResetEventSlim _open = new();

    /// <summary>Gets the calls of the kernel, blocking or not.</summary>
    public Counter Executed { get; } = new();

    /// <summary>Gets the blocking items that have started waiting at the gate.</summary>
    public Counter Blocked { get; } = new();

    /// <summary>Gets the blocking items that stopped because their token was signalled.</summary>
    public Counter Cancelled { get; } = new();

    /// <summary>Gets the items whose kernel call returned a value.</summary>
    public Counter Returned { get; } = new();

    /// <summary>Lets every blocking item, waiting or to come, through.</summary>
    public void Open() => _open.Set();

    /// <summary>Runs one item on a worker thread.</summary>
    public long Pass(GateItem item, CancellationToken cancellationToken)
    {
        Executed.Increment();
        if (item.Blocks)
        {
            Blocked.Increment();
            try
            {
                _open.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.Increment();
                throw;
            }
        }

        Returned.Increment();
        return item.Value;
    }

    /// <summary>Opens the gate, so a failed test never leaves a worker of the shared cluster blocked.</summary>
    public void Dispose() => _open.Set();
}
