namespace Grid.Kernels.BuiltIn;

/// <summary>Throws seeded random points into the unit square and counts those inside the quarter circle, to estimate pi.</summary>
/// <remarks>
/// The random numbers come from xoshiro256** seeded through SplitMix64, both written out here rather than taken from
/// <see cref="Random"/>, whose algorithm may change between .NET versions: the same seed gives the same hits on every
/// machine and runtime. A point (x, y) with x and y uniform in [0, 1) is a hit when x * x + y * y &lt;= 1.
/// </remarks>
[Kernel(BuiltInKernels.MonteCarloPi)]
public sealed class MonteCarloPiKernel : IKernel<PiSample, PiEstimate>
{
    private const long SamplesPerCancellationCheck = 1L << 16;

    // 2^-53: turns the top 53 bits of a 64-bit draw into a double in [0, 1) with every value equally likely.
    private const double UnitScale = 1.0 / (1UL << 53);

    /// <summary>Throws <see cref="PiSample.Samples"/> points from the run's seed and returns how many fell inside the quarter circle.</summary>
    public PiEstimate Execute(PiSample input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Samples < 1)
        {
            throw new ArgumentOutOfRangeException(
                $"{nameof(input)}.{nameof(PiSample.Samples)}",
                input.Samples,
                $"{nameof(PiSample.Samples)} must be at least 1; got {input.Samples}.");
        }

        // The state lives in locals rather than a struct so the JIT keeps all four words in registers.
        var seed = (ulong)input.Seed;
        var s0 = SplitMix64(ref seed);
        var s1 = SplitMix64(ref seed);
        var s2 = SplitMix64(ref seed);
        var s3 = SplitMix64(ref seed);

        var hits = 0L;
        var remaining = input.Samples;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = Math.Min(remaining, SamplesPerCancellationCheck);
            remaining -= block;
            for (var i = 0L; i < block; i++)
            {
                var x = (Next(ref s0, ref s1, ref s2, ref s3) >> 11) * UnitScale;
                var y = (Next(ref s0, ref s1, ref s2, ref s3) >> 11) * UnitScale;
                if ((x * x) + (y * y) <= 1.0)
                {
                    hits++;
                }
            }
        }

        return new PiEstimate(hits, input.Samples);
    }

    /// <summary>Advances a SplitMix64 state and returns its next output; used only to spread the seed over the xoshiro state.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Advances a xoshiro256** state and returns its next 64-bit output.</summary>
    internal static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }
}
