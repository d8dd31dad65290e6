using System.Globalization;
using Grid.Client;
using Grid.Jobs;

namespace Grid.Tests.TestKernels;

/// <summary>What a job's results and summary must say after a limit stopped items or the job, shared by the test of a behaviour on an embedded silo and its twin on a cluster.</summary>
internal static class JobAssertions
{
    /// <summary>Asserts that <paramref name="result"/> was stopped by its item time limit of <paramref name="limit"/>: timed out as a <see cref="TimeoutException"/> that names the limit, with no value.</summary>
    public static void AssertStoppedByItemTimeout<T>(ItemResult<T> result, TimeSpan limit)
    {
        Assert.Equal(ItemStatus.TimedOut, result.Status);
        Assert.Equal(typeof(TimeoutException).FullName, result.Error!.Type);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"time limit of {limit.TotalMilliseconds:0.###} ms"), result.Error.Message, StringComparison.Ordinal);
        Assert.Throws<ItemFailedException>(() => result.GetValueOrThrow());
    }

    /// <summary>Asserts that a job stopped by <c>MaxFailures = <paramref name="maxFailures"/></c> says so in its summary, its exception and each item it
    /// cancelled, after more items failed than allowed, and that <paramref name="received"/> holds each item it read once.</summary>
    public static void AssertStoppedByMaxFailures<T>(JobSummary summary, TooManyFailuresException error, IReadOnlyList<ItemResult<T>> received, int maxFailures)
    {
        var named = string.Create(CultureInfo.InvariantCulture, $"MaxFailures ({maxFailures})");
        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        Assert.Same(summary, error.Summary);
        Assert.Equal(maxFailures, error.MaxFailures);
        Assert.Contains(named, summary.Error, StringComparison.Ordinal);
        Assert.True(summary.Failed > maxFailures, $"Failed is {summary.Failed}.");
        Assert.Equal(summary.Total, summary.Completed);
        GridJobReading.AssertEachIndexOnce(received, summary.Total);
        Assert.All(received.Where(r => r.Status == ItemStatus.Cancelled), r => Assert.Contains(named, r.Error!.Message, StringComparison.Ordinal));
    }
}
