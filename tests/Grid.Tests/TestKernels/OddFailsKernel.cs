using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>Returns even inputs unchanged and throws for odd ones, to test per-item error capture.</summary>
internal sealed class OddFailsKernel : IKernel<long, long>
{
    public const string Name = "odd-fails";

    public static string MessageFor(long input) => $"{input} is odd.";

    // Never inlined: an inlined method has no frame of its own in a stack trace, and the tests look for this one in the item's detail.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public long Execute(long input, CancellationToken cancellationToken)
        => input % 2 == 0 ? input : throw new InvalidOperationException(MessageFor(input));
}
