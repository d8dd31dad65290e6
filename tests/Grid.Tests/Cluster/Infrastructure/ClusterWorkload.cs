using System.Globalization;
using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>What the cluster tests feed a cluster and how they watch it: slow primes with an independent check, bounded waits, silo lines.</summary>
internal static class ClusterWorkload
{
    /// <summary>The first 18-digit number: each prime from here costs the is-prime kernel about 10^8 trial divisions, a few hundred milliseconds.</summary>
    public const long SlowPrimeStart = 100_000_000_000_000_000;

    /// <summary>How often <see cref="WaitUntilAsync"/> looks at its condition again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly ulong[] WitnessBases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    /// <summary>The first <paramref name="count"/> primes at or above <paramref name="start"/>: items the is-prime kernel is slow on.</summary>
    public static long[] PrimesFrom(long start, int count)
    {
        var primes = new long[count];
        var n = start;
        for (var i = 0; i < count; n++)
        {
            if (IsPrime(n))
            {
                primes[i++] = n;
            }
        }

        return primes;
    }

    /// <summary>Whether <paramref name="n"/> is prime, by deterministic Miller-Rabin (exact for every 64-bit number): a check that shares nothing with the kernel.</summary>
    public static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }

        var value = (ulong)n;
        foreach (var p in WitnessBases)
        {
            if (value % p == 0)
            {
                return value == p;
            }
        }

        var d = value - 1;
        var twos = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            twos++;
        }

        foreach (var a in WitnessBases)
        {
            var x = PowMod(a, d, value);
            if (x == 1 || x == value - 1)
            {
                continue;
            }

            var composite = true;
            for (var r = 1; r < twos && composite; r++)
            {
                x = (ulong)((UInt128)x * x % value);
                composite = x != value - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a job to its end, calling <paramref name="onResult"/> with the number of results read so far after each one (to act mid-job).</summary>
    public static async Task<List<ItemResult<T>>> ReadAllAsync<T>(GridJob<T> job, Func<int, Task> onResult, TimeSpan? limit = null)
    {
        var results = new List<ItemResult<T>>();
        using var guard = new CancellationTokenSource(limit ?? TestLimits.Hang);
        await foreach (var result in job.WithCancellation(guard.Token))
        {
            results.Add(result);
            await onResult(results.Count);
        }

        return results;
    }

    /// <summary>Asserts that <paramref name="results"/> hold each index of <paramref name="inputs"/> once, each with the right verdict.</summary>
    public static void AssertVerdicts(IReadOnlyList<ItemResult<bool>> results, IReadOnlyList<long> inputs)
    {
        GridJobReading.AssertEachIndexOnce(results, inputs.Count);
        foreach (var result in results)
        {
            Assert.True(result.IsSuccess, $"item {result.Index} ({inputs[(int)result.Index]}) ended {result.Status}: {result.Error?.Message}");
            Assert.True(IsPrime(inputs[(int)result.Index]) == result.Value, $"item {result.Index}: is-prime said {result.Value} for {inputs[(int)result.Index]}");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, looking again every 100 ms, and fails with <paramref name="describe"/> when it still does not after <paramref name="limit"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TestLimits.Hang);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"still not so after {(limit ?? TestLimits.Hang).TotalSeconds:0} s: {await describe()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until some silo of <paramref name="cluster"/> prints a line containing <paramref name="text"/> and returns that silo and line.</summary>
    public static async Task<(SiloProcess Silo, string Line)> WaitForAnySiloLineAsync(SiloCluster cluster, string text, IReadOnlyDictionary<SiloProcess, int>? from = null)
    {
        using var found = new CancellationTokenSource();
        var waits = cluster.Silos.Where(s => !s.HasExited).Select(async silo =>
        {
            var line = await silo.WaitForLineAsync(text, TestLimits.Hang, from?.GetValueOrDefault(silo) ?? 0, found.Token);
            return (silo, line);
        }).ToList();
        var pending = waits.ToList();
        while (true)
        {
            var done = await Task.WhenAny(pending);
            if (done.IsCompletedSuccessfully)
            {
                await found.CancelAsync();
                return await done;
            }

            if (pending.Count == 1)
            {
                throw new TimeoutException($"no silo printed a line containing '{text}'.\n{cluster.Logs}", done.Exception?.InnerException);
            }

            // That silo exited without printing it; another still may.
            pending.Remove(done);
        }
    }

    /// <summary>The silos a client sees, one line each, for assertion messages.</summary>
    public static async Task<string> DescribeSilosAsync(GridClient client)
    {
        var silos = await client.GetSilosAsync();
        return silos.Count == 0
            ? "no silos"
            : string.Join("; ", silos.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.State} slots={s.WorkerSlots} busy={s.BusyWorkers} jobs={s.Jobs} chunks={s.RunningChunks}")));
    }

    /// <summary>Finds the silo process that hosts the grain of job <paramref name="jobId"/>, asking Orleans where its activation is.</summary>
    public static async Task<SiloProcess> FindOwnerAsync(SiloCluster cluster, GridClient client, Guid jobId)
    {
        var address = await client.GrainFactory.GetGrain<Orleans.Runtime.IManagementGrain>(0)
            .GetActivationAddress(client.GrainFactory.GetGrain<Grid.Jobs.IMapJobGrain>(jobId)).AsTask().WaitAsync(TestLimits.Hang);
        Assert.True(address is not null, $"job {jobId} has no activation\n{cluster.Logs}");
        return cluster.Silos.Single(s => s.SiloPort == address.Endpoint.Port);
    }

    /// <summary>Connects a client to <paramref name="cluster"/> through the test Redis, with default options but its name.</summary>
    public static Task<GridClient> ConnectClientAsync(this SiloCluster cluster) =>
        GridClient.ConnectAsync(cluster.ConnectionString, new ClusterClientOptions { Name = cluster.Name });

    private static ulong PowMod(ulong value, ulong exponent, ulong modulus)
    {
        UInt128 result = 1;
        UInt128 square = value % modulus;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = result * square % modulus;
            }

            square = square * square % modulus;
            exponent >>= 1;
        }

        return (ulong)result;
    }
}
