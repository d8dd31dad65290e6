using Grid.Jobs;

namespace Grid.Stored;

/// <summary>The limits a stored job runs with, kept with it in the store (as JSON) so that whichever silo takes it runs it the same.</summary>
/// <param name="ItemTimeout">The soft time limit of one item.</param>
/// <param name="HardItemTimeout">The hard time limit of one item.</param>
/// <param name="JobTimeout">The time limit of the whole job, counted from its first start across every run.</param>
/// <param name="Ordered">Whether results are stored in input order.</param>
/// <param name="MaxInFlight">The most items a run holds at once; 0 lets the job choose.</param>
/// <param name="Retry">The retry policy replacing the kernel's.</param>
/// <param name="MaxFailures">How many items may finally fail, across every run, before the job stops.</param>
/// <param name="TraceParent">The W3C trace parent of the client's submission span, under which every run's job span hangs; <see langword="null"/> when
/// the client traced nothing (and for jobs stored before it was kept).</param>
internal sealed record StoredJobSettings(
    TimeSpan? ItemTimeout,
    TimeSpan? HardItemTimeout,
    TimeSpan? JobTimeout,
    bool Ordered,
    int MaxInFlight,
    RetryPolicy? Retry,
    long? MaxFailures,
    string? TraceParent = null)
{
    /// <summary>Takes the limits of a client's job.</summary>
    public static StoredJobSettings Of(JobSpec spec) => new(spec.ItemTimeout, spec.HardItemTimeout, spec.JobTimeout, spec.Ordered, spec.MaxInFlight, spec.Retry, spec.MaxFailures, spec.TraceParent);
}
