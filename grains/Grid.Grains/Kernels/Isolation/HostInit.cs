namespace Grid.Kernels.Isolation;

/// <summary>What a silo tells a new worker process: the protocol version, the frame size limit and the kernels to load.</summary>
/// <param name="Version">The protocol version, <see cref="KernelFrames.Version"/>.</param>
/// <param name="MaxFrameBytes">The largest frame either side may send.</param>
/// <param name="MemoryLimitBytes">The worker's memory limit, or 0 for none; the process's managed heap is capped at it too.</param>
/// <param name="Kernels">The kernels the process must be able to run.</param>
internal sealed record HostInit(int Version, int MaxFrameBytes, long MemoryLimitBytes, IReadOnlyList<HostedKernelSpec> Kernels);

/// <summary>Where a worker process finds one kernel: its name, the file of its assembly, its class and its item types (checked on load).</summary>
internal sealed record HostedKernelSpec(string Name, string AssemblyPath, string TypeName, string InputType, string OutputType);

/// <summary>A worker process's answer to <see cref="HostInit"/>: ready, or why it cannot run the kernels.</summary>
internal sealed record HostReady(int ProcessId, string? Error);
