using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>Answers which kernels this silo can run.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class KernelCatalogGrain(KernelRegistry kernels) : Grain, IKernelCatalogGrain
{
    public Task<IReadOnlyList<KernelInfo>> GetKernelsAsync() => Task.FromResult(kernels.Kernels);
}
