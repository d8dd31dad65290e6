using System.Diagnostics.CodeAnalysis;
using Grid.Kernels;

namespace Grid.Benchmarks.Cluster;

/// <summary>The trivial kernel the cluster benchmark's silos load from this assembly: returns its input plus one.</summary>
[Kernel(Name)]
[SuppressMessage("Performance", "CA1515", Justification = "Silos find kernels among an assembly's public types.")]
public sealed class ClusterNoOpKernel : IKernel<long, long>
{
    /// <summary>The kernel's name.</summary>
    public const string Name = "bench-noop";

    /// <inheritdoc />
    public long Execute(long input, CancellationToken cancellationToken) => input + 1;
}

/// <summary>A kernel that waits its input in milliseconds without using the CPU: a stand-in for a chunk of known length.</summary>
[Kernel(Name)]
[SuppressMessage("Performance", "CA1515", Justification = "Silos find kernels among an assembly's public types.")]
public sealed class SleepKernel : IKernel<int, int>
{
    /// <summary>The kernel's name.</summary>
    public const string Name = "bench-sleep";

    /// <inheritdoc />
    public int Execute(int input, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(input);
        cancellationToken.ThrowIfCancellationRequested();
        return input;
    }
}
