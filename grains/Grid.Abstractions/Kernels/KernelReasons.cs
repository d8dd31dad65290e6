namespace Grid.Kernels;

/// <summary>The error types (<see cref="Jobs.ItemError.Type"/>) of items that a silo stopped, rather than a kernel exception: hard time limits, memory limits and worker process crashes.</summary>
public static class KernelReasons
{
    /// <summary>The kernel ran past its hard time limit without returning: the item was abandoned (in process) or its worker process killed; the item is <see cref="Jobs.ItemStatus.TimedOut"/>.</summary>
    public const string HardTimeout = "hard-timeout";

    /// <summary>The worker process passed its memory limit (or the kernel ran out of managed memory under it) and was killed and replaced; the item is <see cref="Jobs.ItemStatus.Failed"/>.</summary>
    public const string OutOfMemory = "out-of-memory";

    /// <summary>The worker process died while the item ran (stack overflow, <c>Environment.FailFast</c>, a native crash, a signal); the item is <see cref="Jobs.ItemStatus.Failed"/>.</summary>
    public const string WorkerCrashed = "worker-crashed";

    /// <summary>The worker process could not be started, or answered with something that is not a well-formed reply; the item is <see cref="Jobs.ItemStatus.Failed"/>.</summary>
    public const string WorkerFailed = "worker-failed";
}
