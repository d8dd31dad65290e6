using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>A trivial kernel: returns twice its input, so a result can be checked against its index.</summary>
internal sealed class TwiceKernel : IKernel<long, long>
{
    public const string Name = "twice";

    public long Execute(long input, CancellationToken cancellationToken) => 2 * input;
}
