using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>Returns even inputs unchanged and throws for odd ones, to test per-item error capture.</summary>
internal sealed class OddFailsKernel : IKernel<long, long>
{
    public const string Name = "odd-fails";

    public static string MessageFor(long input) => $"{input} is odd.";

    public long Execute(long input, CancellationToken cancellationToken)
        => input % 2 == 0 ? input : throw new InvalidOperationException(MessageFor(input));
}
