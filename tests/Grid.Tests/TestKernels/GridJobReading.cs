using Grid.Client;
using Grid.Jobs;

namespace Grid.Tests.TestKernels;

/// <summary>Reads jobs to the end for tests, bounded so that a job that never ends fails the test instead of hanging the run.</summary>
internal static class GridJobReading
{
    public static Task<List<ItemResult<T>>> ReadAllAsync<T>(this GridJob<T> job) => job.ReadAllAsync(TestLimits.Hang);

    public static Task<List<ItemResult<T>>> ReadAllAsync<T>(this GridJob<T> job, TimeSpan limit) => CollectAsync(job, default).WaitAsync(limit);

    /// <summary>Reads the job until it ends or <paramref name="cancellationToken"/> cancels its enumeration (and so the job).</summary>
    public static Task<List<ItemResult<T>>> ReadAllAsync<T>(this GridJob<T> job, CancellationToken cancellationToken)
        => CollectAsync(job, cancellationToken).WaitAsync(TestLimits.Hang);

    /// <summary>Asserts that the results hold every index from 0 to <paramref name="count"/> - 1 exactly once.</summary>
    public static void AssertEachIndexOnce<T>(IEnumerable<ItemResult<T>> results, long count)
    {
        var seen = new bool[count];
        foreach (var result in results)
        {
            Assert.InRange(result.Index, 0, count - 1);
            Assert.False(seen[result.Index], $"Index {result.Index} was delivered twice.");
            seen[result.Index] = true;
        }

        var missing = Array.IndexOf(seen, false);
        Assert.True(missing < 0, $"Index {missing} was never delivered.");
    }

    private static async Task<List<ItemResult<T>>> CollectAsync<T>(GridJob<T> job, CancellationToken cancellationToken)
    {
        var results = new List<ItemResult<T>>();
        await foreach (var result in job.WithCancellation(cancellationToken))
        {
            results.Add(result);
        }

        return results;
    }
}
