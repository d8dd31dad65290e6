using System.Diagnostics;
using Grid.Kernels;

namespace Grid.Benchmarks.Isolation;

/// <summary>The isolation benchmark's kernel: returns its input plus one; a negative input spins for that many milliseconds without looking at its token; <see cref="Stamp"/> returns the monotonic clock (the same clock in every process of the machine).</summary>
/// <remarks>Public, so that worker processes can load it from this program's assembly.</remarks>
public sealed class IsolationBenchKernel : IKernel<long, long>
{
    /// <summary>The input that returns <see cref="Stopwatch.GetTimestamp"/> instead.</summary>
    public const long Stamp = long.MaxValue;

    /// <inheritdoc />
    public long Execute(long input, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (input < 0 && Stopwatch.GetElapsedTime(start).TotalMilliseconds < -input)
        {
            Thread.SpinWait(1000);
        }

        if (input < 0)
        {
            return input;
        }

        return input == Stamp ? Stopwatch.GetTimestamp() : input + 1;
    }
}
