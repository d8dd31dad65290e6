using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>A retry policy set on the silo for a kernel by name, in place of the kernel class's <see cref="RetryAttribute"/>.</summary>
/// <param name="Name">The kernel name.</param>
/// <param name="Retry">The policy.</param>
internal sealed record KernelRetryRegistration(string Name, RetryPolicy Retry);
