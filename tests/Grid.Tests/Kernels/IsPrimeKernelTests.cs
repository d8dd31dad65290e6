using Grid.Kernels.BuiltIn;

namespace Grid.Tests.Kernels;

[Trait("Category", "Fast")]
public sealed class IsPrimeKernelTests
{
    private readonly IsPrimeKernel _kernel = new();

    [Theory]
    [InlineData(112272535095293L, true)]
    [InlineData(112582705942171L, true)]
    [InlineData(115280095190773L, true)]
    [InlineData(115797848077099L, true)]
    [InlineData(1099726899285419L, false)]
    public void Execute_SeedArticleNumbers_MatchesKnownAnswer(long number, bool expected)
    {
        Assert.Equal(expected, _kernel.Execute(number, CancellationToken.None));
    }

    [Fact]
    public void Execute_SeedArticleList_FiveOfSixArePrime()
    {
        // The seed article's list, duplicate included: every entry is prime except the last.
        long[] numbers = [112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419];

        var results = numbers.Select(n => _kernel.Execute(n, CancellationToken.None)).ToArray();

        Assert.Equal([true, true, true, true, true, false], results);
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(1L, false)]
    [InlineData(2L, true)]
    [InlineData(3L, true)]
    [InlineData(4L, false)]
    [InlineData(5L, true)]
    [InlineData(9L, false)]
    [InlineData(25L, false)]
    [InlineData(49L, false)]
    [InlineData(97L, true)]
    [InlineData(121L, false)]
    public void Execute_SmallValues_MatchesKnownAnswer(long number, bool expected)
    {
        Assert.Equal(expected, _kernel.Execute(number, CancellationToken.None));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-5L)]
    [InlineData(long.MinValue)]
    public void Execute_Negative_ThrowsArgumentOutOfRange(long number)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _kernel.Execute(number, CancellationToken.None));

        Assert.StartsWith($"is-prime takes a non-negative number; got {number}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_LargestPrimeBelow2To63_ReturnsTrue()
    {
        // The slowest input a long can carry: about 10^9 trial divisions, a few seconds.
        Assert.True(_kernel.Execute(9223372036854775783L, CancellationToken.None));
    }

    [Theory]
    [InlineData(9223372036854775807L)] // 2^63 - 1 = 7^2 * 73 * 127 * 337 * 92737 * 649657
    [InlineData(9223372036842773839L)] // 999983 * 9223528836833, the largest such product below 2^63
    [InlineData(999966000289L)] // 999983^2: the only divisor tried is exactly the square root
    public void Execute_CompositeNear2To63OrSquare_ReturnsFalse(long number)
    {
        Assert.False(_kernel.Execute(number, CancellationToken.None));
    }

    [Fact]
    public void Execute_AllValuesBelowOneMillion_MatchesSieve()
    {
        const int Limit = 1_000_000;
        var composite = new bool[Limit];
        for (var i = 2; (long)i * i < Limit; i++)
        {
            if (!composite[i])
            {
                for (var j = i * i; j < Limit; j += i)
                {
                    composite[j] = true;
                }
            }
        }

        for (var n = 0; n < Limit; n++)
        {
            var expected = n >= 2 && !composite[n];
            Assert.True(expected == _kernel.Execute(n, CancellationToken.None), $"is-prime({n}) should be {expected}");
        }
    }

    [Theory]
    [InlineData(1_000_000_000_000L, 2_000)] // 10^12: at most 3 * 10^5 divisions per number
    [InlineData(100_000_000_000_000L, 1_000)] // 10^14: about 30 primes at 3 * 10^6 divisions each
    public void Execute_WindowOfLargeValues_MatchesMillerRabin(long start, int count)
    {
        for (var n = start; n < start + count; n++)
        {
            var expected = IsPrimeMillerRabin((ulong)n);
            Assert.True(expected == _kernel.Execute(n, CancellationToken.None), $"is-prime({n}) should be {expected}");
        }
    }

    [Theory]
    [InlineData(3L)]
    [InlineData(7L)]
    [InlineData(65537L)]
    [InlineData(999983L)]
    public void Execute_MultiplesOfSmallPrimeNear2To63_ReturnFalse(long prime)
    {
        // Whole windows near 2^63 would hold composites whose smallest factor is near 3 * 10^9, each as slow as a
        // prime; multiples of a known small prime stay fast and still exercise 64-bit remainders at the top.
        var top = long.MaxValue / prime * prime;
        for (var i = 0; i < 50; i++)
        {
            var n = top - (i * prime);
            Assert.False(IsPrimeMillerRabin((ulong)n));
            Assert.False(_kernel.Execute(n, CancellationToken.None), $"is-prime({n}) should be false");
        }
    }

    [Fact]
    public void Execute_CancelledTokenOnLongRun_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => _kernel.Execute(9223372036854775783L, cts.Token));
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1UL, 1UL)]
    [InlineData(3UL, 1UL)]
    [InlineData(4UL, 2UL)]
    [InlineData(999966000288UL, 999982UL)]
    [InlineData(999966000289UL, 999983UL)]
    [InlineData(4611686018427387903UL, 2147483647UL)] // 2^62 - 1: the double rounds up to 2^62
    [InlineData(4611686018427387904UL, 2147483648UL)]
    [InlineData(9223371994482243048UL, 3037000492UL)] // 3037000493^2 - 1: the double rounds up to the square
    [InlineData(9223371994482243049UL, 3037000493UL)]
    [InlineData(9223372036854775807UL, 3037000499UL)]
    [InlineData(18446744065119617024UL, 4294967294UL)] // (2^32 - 1)^2 - 1
    [InlineData(18446744065119617025UL, 4294967295UL)]
    [InlineData(18446744073709551615UL, 4294967295UL)] // 2^64 - 1: the double is 2^64, whose root 2^32 overflows a square
    public void IntegerSqrt_EdgeValues_ReturnsFloorOfRoot(ulong n, ulong expected)
    {
        Assert.Equal(expected, IsPrimeKernel.IntegerSqrt(n));
    }

    [Fact]
    public void IntegerSqrt_AroundSquaresNear2To63_ReturnsFloorOfRoot()
    {
        for (var r = 3_037_000_499UL - 10_000; r <= 3_037_000_499UL; r++)
        {
            var square = r * r;
            Assert.Equal(r - 1, IsPrimeKernel.IntegerSqrt(square - 1));
            Assert.Equal(r, IsPrimeKernel.IntegerSqrt(square));
            Assert.Equal(r, IsPrimeKernel.IntegerSqrt(square + 1));
        }
    }

    // Deterministic for every 64-bit n with these twelve bases (Jaeschke; Sorenson and Webster).
    private static bool IsPrimeMillerRabin(ulong n)
    {
        ReadOnlySpan<ulong> bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        if (n < 2)
        {
            return false;
        }

        foreach (var p in bases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        var d = n - 1;
        var s = 0;
        while (d % 2 == 0)
        {
            d /= 2;
            s++;
        }

        foreach (var a in bases)
        {
            var x = PowMod(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var witness = true;
            for (var i = 1; i < s && witness; i++)
            {
                x = MulMod(x, x, n);
                witness = x != n - 1;
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong MulMod(ulong a, ulong b, ulong m) => (ulong)((UInt128)a * b % m);

    private static ulong PowMod(ulong b, ulong e, ulong m)
    {
        var result = 1UL;
        b %= m;
        while (e > 0)
        {
            if ((e & 1) == 1)
            {
                result = MulMod(result, b, m);
            }

            b = MulMod(b, b, m);
            e >>= 1;
        }

        return result;
    }
}
