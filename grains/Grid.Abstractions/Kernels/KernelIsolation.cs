namespace Grid.Kernels;

/// <summary>Where a kernel runs: on a thread of the silo's own process, or in worker processes the silo starts and supervises.</summary>
[GenerateSerializer]
public enum KernelIsolation
{
    /// <summary>On a silo thread: the fastest, but a kernel that ignores its token can only be abandoned at its hard limit, not stopped, and a crash takes the silo down.</summary>
    InProcess,

    /// <summary>In a worker process of the silo, one per worker: past the hard limit or the memory limit the process is killed and replaced, and a crash fails only the item that caused it.</summary>
    Process,
}
