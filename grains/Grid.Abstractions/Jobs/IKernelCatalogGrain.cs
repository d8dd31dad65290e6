using Grid.Kernels;

namespace Grid.Jobs;

/// <summary>Lists the kernels registered on a silo, so that clients can show and check names without running anything.</summary>
public interface IKernelCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Gets the registered kernels, sorted by name.</summary>
    Task<IReadOnlyList<KernelInfo>> GetKernelsAsync();
}
