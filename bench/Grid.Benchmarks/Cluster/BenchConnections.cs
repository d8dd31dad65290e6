namespace Grid.Benchmarks.Cluster;

/// <summary>What the cluster scenarios share: where their Redis and PostgreSQL are found, and their trivial inputs.</summary>
internal static class BenchConnections
{
    /// <summary>The environment variables a Redis connection string is read from, in order, when <c>--cluster</c> is not given.</summary>
    private static readonly string[] ClusterVariables = ["GRID_CLUSTER", "GRID_TEST_REDIS"];

    /// <summary>Gets the Redis connection string of <c>--cluster</c>, <c>GRID_CLUSTER</c> or the tests' <c>GRID_TEST_REDIS</c>; throws an <see cref="ArgumentException"/> saying how to give one.</summary>
    public static string Redis(BenchArgs args, string scenario)
        => NonEmpty(args.GetString("cluster", string.Empty)) ?? ClusterVariables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v))
            ?? throw new ArgumentException($"{scenario}: give a Redis connection string with --cluster or GRID_CLUSTER (for the tests' Redis: eval \"$(scripts/redis.sh test-env)\").");

    /// <summary>Gets the Npgsql connection string of <c>--store</c> or the tests' <c>GRID_TEST_POSTGRES</c>; throws an <see cref="ArgumentException"/> saying how to give one.</summary>
    public static string Store(BenchArgs args, string scenario)
        => NonEmpty(args.GetString("store", string.Empty)) ?? NonEmpty(Environment.GetEnvironmentVariable("GRID_TEST_POSTGRES") ?? string.Empty)
            ?? throw new ArgumentException($"{scenario}: give a PostgreSQL connection string with --store or GRID_TEST_POSTGRES (for the tests' PostgreSQL: eval \"$(scripts/postgres.sh test-env)\").");

    /// <summary>Yields 0, 1, ... up to <paramref name="count"/> - 1, read lazily.</summary>
    public static IEnumerable<long> Numbers(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;
}
