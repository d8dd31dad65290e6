using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>Returns each item's value; an item naming a latch file first waits, honouring its token, until that file exists, so a test holds items running in silos of other processes too.</summary>
[Kernel(Name)]
public sealed class LatchKernel : IKernel<LatchItem, long>
{
    public const string Name = "latch";

    public long Execute(LatchItem input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Latch is { } latch)
        {
            // The file is the event: a test creates it to let every waiting item through. The wait is bounded by the test's hang guard.
            using var hang = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hang.CancelAfter(TestLimits.Hang);
            while (!File.Exists(latch))
            {
                hang.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(20));
                cancellationToken.ThrowIfCancellationRequested();
                if (hang.IsCancellationRequested)
                {
                    throw new TimeoutException($"Latch {latch} was never opened.");
                }
            }
        }

        return input.Value;
    }
}

/// <summary>An item of <see cref="LatchKernel"/>: its value, and the file it waits for before returning it (<see langword="null"/> for none).</summary>
public sealed record LatchItem(long Value, string? Latch = null);
