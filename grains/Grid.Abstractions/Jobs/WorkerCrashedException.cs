using Grid.Jobs;

namespace Grid;

/// <summary>Names the failure of an item whose worker process died under it (a crash, a native fault, <c>Environment.FailFast</c>): its <see cref="ItemError.Type"/> is this type's full name, which a <see cref="RetryPolicy"/> retries only with <see cref="RetryPolicy.RetryCrashes"/>.</summary>
public sealed class WorkerCrashedException : GridException
{
    /// <summary>Creates an exception with no message.</summary>
    public WorkerCrashedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public WorkerCrashedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public WorkerCrashedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
