using Grid.Jobs;

namespace Grid;

/// <summary>Raised at the end of a job's results when the job's time limit passed before all its input was processed.</summary>
public sealed class JobTimeoutException : TimeoutException
{
    /// <summary>Creates an exception for a job that ran out of time.</summary>
    public JobTimeoutException(JobSummary summary, TimeSpan limit)
        : base($"Job {summary?.JobId} ({summary?.Kernel}) passed its time limit of {limit}: "
            + $"{summary?.Succeeded} items succeeded, {summary?.TimedOut} timed out, {summary?.Cancelled} were cancelled.")
    {
        Summary = summary;
    }

    /// <summary>Creates an exception with no summary.</summary>
    public JobTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public JobTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public JobTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the summary of the job at the time it stopped.</summary>
    public JobSummary? Summary { get; }
}
