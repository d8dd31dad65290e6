namespace Grid.Kernels;

/// <summary>A kernel registered in the silo's services: its name and either its class (made through dependency injection) or an instance.</summary>
/// <param name="Name">The kernel name.</param>
/// <param name="KernelType">The kernel class.</param>
/// <param name="Instance">A ready instance, or <see langword="null"/> to make one from <paramref name="KernelType"/>.</param>
internal sealed record KernelRegistration(string Name, Type KernelType, object? Instance)
{
    /// <summary>Gets the kernel's hard time limit, isolation and memory limit.</summary>
    public KernelOptions Options { get; init; } = new();
}
