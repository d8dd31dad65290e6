namespace Grid.Benchmarks.Inputs;

/// <summary>The scaling scenario's input: odd 15-digit numbers from a fixed seed, half of them prime, with their known verdicts.</summary>
/// <remarks>
/// Most random composites have a small factor and cost the trial-division kernel nothing, so the primes
/// (which cost about sqrt(n)/2 divisions each) carry the work; keeping half of them prime makes it substantial.
/// The verdicts come from a deterministic Miller-Rabin test, independent of the kernel under measurement.
/// </remarks>
internal sealed class PrimeInputs
{
    private const long Min = 100_000_000_000_000;
    private const long Max = 999_999_999_999_999;

    private PrimeInputs(long[] numbers, bool[] verdicts)
    {
        Numbers = numbers;
        Verdicts = verdicts;
    }

    /// <summary>Gets the numbers, in a shuffled order.</summary>
    public IReadOnlyList<long> Numbers { get; }

    /// <summary>Gets whether each number is prime.</summary>
    public IReadOnlyList<bool> Verdicts { get; }

    /// <summary>Gets how many of the numbers are prime.</summary>
    public int PrimeCount => Verdicts.Count(v => v);

    /// <summary>Draws <paramref name="count"/> distinct odd 15-digit numbers from <paramref name="seed"/>, half of them (rounded up) prime.</summary>
    public static PrimeInputs Generate(int count, int seed)
    {
        var random = new Random(seed);
        var primes = new HashSet<long>();
        var composites = new HashSet<long>();
        var wantPrimes = (count + 1) / 2;
        var wantComposites = count - wantPrimes;
        while (primes.Count < wantPrimes || composites.Count < wantComposites)
        {
            var n = random.NextInt64(Min, Max + 1) | 1;
            if (IsPrime(n))
            {
                if (primes.Count < wantPrimes)
                {
                    primes.Add(n);
                }
            }
            else if (composites.Count < wantComposites)
            {
                composites.Add(n);
            }
        }

        // Sets iterate in insertion order here, but sort first so the shuffle alone decides the order.
        var numbers = primes.Concat(composites).Order().ToArray();
        random.Shuffle(numbers);
        return new PrimeInputs(numbers, [.. numbers.Select(primes.Contains)]);
    }

    /// <summary>Deterministic Miller-Rabin for 64-bit numbers: the first twelve primes as bases decide every n below 3.3e24.</summary>
    internal static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }

        ReadOnlySpan<long> bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        foreach (var p in bases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        var d = n - 1;
        var s = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            s++;
        }

        foreach (var a in bases)
        {
            var x = PowMod((ulong)a, (ulong)d, (ulong)n);
            if (x == 1 || x == (ulong)n - 1)
            {
                continue;
            }

            var composite = true;
            for (var r = 1; r < s && composite; r++)
            {
                x = (ulong)((UInt128)x * x % (ulong)n);
                composite = x != (ulong)n - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong PowMod(ulong value, ulong exponent, ulong modulus)
    {
        ulong result = 1;
        value %= modulus;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = (ulong)((UInt128)result * value % modulus);
            }

            value = (ulong)((UInt128)value * value % modulus);
            exponent >>= 1;
        }

        return result;
    }
}
