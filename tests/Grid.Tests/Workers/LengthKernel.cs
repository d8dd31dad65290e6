using Grid.Kernels;

namespace Grid.Tests.Workers;

/// <summary>A kernel whose output is far smaller than its input: the input's length.</summary>
internal sealed class LengthKernel : IKernel<string, long>
{
    public const string Name = "length";

    public long Execute(string input, CancellationToken cancellationToken) => input.Length;
}
