using System.Reflection;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Hosting;

/// <summary>Configures Grid on one Orleans silo: its options and the kernels it may run (no code comes from clients).</summary>
public interface IGridBuilder
{
    /// <summary>Gets the silo's service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Changes the silo's Grid options (name, workers).</summary>
    IGridBuilder Configure(Action<SiloOptions> configure);

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under the name of its <c>[Kernel]</c> attribute.</summary>
    IGridBuilder AddKernel<TKernel>() where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under <paramref name="name"/>.</summary>
    IGridBuilder AddKernel<TKernel>(string name) where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under the name of its <c>[Kernel]</c> attribute, with its hard time limit, isolation and memory limit changed by <paramref name="configure"/> (which starts from the attribute's).</summary>
    IGridBuilder AddKernel<TKernel>(Action<KernelOptions> configure) where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under <paramref name="name"/>, with its hard time limit, isolation and memory limit set by <paramref name="configure"/> (which starts from its <c>[Kernel]</c> attribute's, if any).</summary>
    IGridBuilder AddKernel<TKernel>(string name, Action<KernelOptions> configure) where TKernel : class;

    /// <summary>Registers a kernel instance under <paramref name="name"/>; it must implement <c>IKernel&lt;TIn, TOut&gt;</c>.</summary>
    IGridBuilder AddKernel(string name, object kernel);

    /// <summary>Registers every public class with a <c>[Kernel]</c> attribute in <paramref name="assembly"/>.</summary>
    IGridBuilder AddKernelsFromAssembly(Assembly assembly);

    /// <summary>Sets the retry policy of the kernel registered as <paramref name="name"/>, replacing its <c>[Retry]</c> attribute; a job's own <c>MapOptions.Retry</c> still wins.</summary>
    IGridBuilder SetKernelRetry(string name, RetryPolicy retry);
}
