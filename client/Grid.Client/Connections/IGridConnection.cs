using Grid.Cluster;
using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Client.Connections;

/// <summary>How a <see cref="GridClient"/> reaches silos: an embedded silo in this process, or a cluster through its broker.</summary>
internal interface IGridConnection : IAsyncDisposable
{
    /// <summary>Gets the job the spec describes, to start and run it: a map job, or a fetch or upload job of the I/O grain.</summary>
    IJobGrain GetJob(JobSpec spec);

    /// <summary>Runs one chunk on some worker and returns its result with the outputs as <paramref name="outputType"/>.</summary>
    Task<ChunkResult> RunChunkAsync(Chunk chunk, Type outputType, CancellationToken cancellationToken);

    /// <summary>Lists the kernels the silos run.</summary>
    Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken);

    /// <summary>Throws a <see cref="GridException"/> naming both sides when the call's item types do not fit the kernel.</summary>
    void CheckTypes(KernelInfo kernel, Type inputType, Type outputType);

    /// <summary>Lists the live silos.</summary>
    Task<IReadOnlyList<SiloStatus>> GetSilosAsync(CancellationToken cancellationToken);
}
