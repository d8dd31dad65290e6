using Grid.Kernels;

namespace Grid.Benchmarks.Kernels;

/// <summary>The trivial kernel that measures Grid's own cost per item: it returns its input plus one.</summary>
/// <remarks>Adding one (rather than returning the input) lets a scenario check that each result belongs to its item.</remarks>
internal sealed class NoOpKernel : IKernel<long, long>
{
    /// <summary>The name the benchmarks register and call this kernel by.</summary>
    public const string Name = "noop";

    /// <inheritdoc />
    public long Execute(long input, CancellationToken cancellationToken) => input + 1;
}
