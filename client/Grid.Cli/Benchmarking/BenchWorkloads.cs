using Grid.Kernels;
using Grid.Kernels.BuiltIn;

namespace Grid.Cli.Benchmarking;

/// <summary>The kernels <c>grid bench</c> knows how to make inputs for, and the inputs it makes.</summary>
internal static class BenchWorkloads
{
    /// <summary>The seed of the generated inputs; fixed so that every run times the same work.</summary>
    public const int Seed = 20_240_601;

    /// <summary>The samples of one monte-carlo-pi item.</summary>
    public const long PiSamplesPerItem = 1_000_000;

    /// <summary>Gets the names of the kernels that can be benchmarked, sorted.</summary>
    public static IReadOnlyList<string> Known { get; } = [BuiltInKernels.IsPrime, BuiltInKernels.MonteCarloPi];

    /// <summary>Makes the workload of <paramref name="kernel"/> with <paramref name="items"/> inputs, or <see langword="null"/> for a kernel not in <see cref="Known"/>.</summary>
    public static IBenchWorkload? Create(string kernel, int items) => kernel switch
    {
        BuiltInKernels.IsPrime => new BenchWorkload<long, bool>(kernel, new IsPrimeKernel(), OddFifteenDigitNumbers(items)),
        BuiltInKernels.MonteCarloPi => new BenchWorkload<PiSample, PiEstimate>(kernel, new MonteCarloPiKernel(), PiSamples(items)),
        _ => null,
    };

    /// <summary>Makes <paramref name="count"/> odd 15-digit numbers, the size of the seed program's numbers.</summary>
    internal static long[] OddFifteenDigitNumbers(int count)
    {
        // Not security-sensitive: a seeded generator is the point, so that every run tests the same numbers.
#pragma warning disable CA5394
        var random = new Random(Seed);
        var numbers = new long[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = random.NextInt64(100_000_000_000_000, 1_000_000_000_000_000) | 1;
        }
#pragma warning restore CA5394

        return numbers;
    }

    private static PiSample[] PiSamples(int count)
    {
        var samples = new PiSample[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = new PiSample(Seed + i, PiSamplesPerItem);
        }

        return samples;
    }
}
