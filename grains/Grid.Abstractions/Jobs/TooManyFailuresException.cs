using Grid.Jobs;

namespace Grid;

/// <summary>Raised at the end of a job's results when more items failed than its <c>MaxFailures</c> allows, so the job stopped early.</summary>
public sealed class TooManyFailuresException : GridException
{
    /// <summary>Creates an exception for a job stopped by its failure limit.</summary>
    public TooManyFailuresException(JobSummary summary, long maxFailures)
        : base($"Job {summary?.JobId} ({summary?.Kernel}) stopped early: {summary?.Failed + summary?.TimedOut} items failed, more than MaxFailures ({maxFailures}); "
            + $"{summary?.Succeeded} items succeeded and {summary?.Cancelled} were cancelled.")
    {
        Summary = summary;
        MaxFailures = maxFailures;
    }

    /// <summary>Creates an exception with no summary.</summary>
    public TooManyFailuresException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public TooManyFailuresException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public TooManyFailuresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the summary of the job at the time it stopped.</summary>
    public JobSummary? Summary { get; }

    /// <summary>Gets the failure limit the job passed.</summary>
    public long MaxFailures { get; }
}
