namespace Grid.Kernels.BuiltIn;

/// <summary>Tells whether a non-negative 64-bit number is prime by trial division; the grid's CPU benchmark kernel.</summary>
/// <remarks>
/// Trial division is deliberately the naive algorithm of the seed article, so the work per item is real CPU time
/// that grows with the square root of the number; a prime near 2^63 takes about 10^9 divisions.
/// </remarks>
[Kernel(BuiltInKernels.IsPrime)]
public sealed class IsPrimeKernel : IKernel<long, bool>
{
    // About 2 * 10^6 divisions, a few milliseconds: the token is read often enough for item time limits to bite
    // promptly and rarely enough to stay out of the profile.
    private const ulong CandidatesPerCancellationCheck = 1UL << 20;

    /// <summary>Returns whether <paramref name="input"/> is prime; throws <see cref="ArgumentOutOfRangeException"/> for a negative number.</summary>
    public bool Execute(long input, CancellationToken cancellationToken)
    {
        if (input < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(input), input, $"{BuiltInKernels.IsPrime} takes a non-negative number; got {input}");
        }

        var n = (ulong)input;
        if (n < 4)
        {
            return n >= 2;
        }

        if (n % 2 == 0 || n % 3 == 0)
        {
            return false;
        }

        // Every prime above 3 is 6k - 1 or 6k + 1, so testing d and d + 2 for d = 5, 11, 17, ... skips two thirds
        // of the divisors. d + 2 may pass the limit on the last step; a divisor there still proves n composite.
        var limit = IntegerSqrt(n);
        var d = 5UL;
        while (d <= limit)
        {
            var blockEnd = Math.Min(limit, d + (6 * CandidatesPerCancellationCheck));
            for (; d <= blockEnd; d += 6)
            {
                if (n % d == 0 || n % (d + 2) == 0)
                {
                    return false;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        return true;
    }

    /// <summary>Returns the largest r with r * r &lt;= <paramref name="n"/>, exact for every 64-bit value.</summary>
    internal static ulong IntegerSqrt(ulong n)
    {
        // Converting n to double rounds it to 53 bits, so the estimate can be one too high (3037000493^2 - 1 rounds
        // up to the square; 2^64 - 1 gives 2^32). The loops correct it either way, in 128 bits so that (r + 1)^2
        // cannot overflow.
        var r = Math.Min((ulong)Math.Sqrt(n), uint.MaxValue);
        while ((UInt128)r * r > n)
        {
            r--;
        }

        while ((UInt128)(r + 1) * (r + 1) <= n)
        {
            r++;
        }

        return r;
    }
}
