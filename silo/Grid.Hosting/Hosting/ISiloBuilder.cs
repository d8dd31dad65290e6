using System.Reflection;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Runtime.Hosting;

/// <summary>Configures a silo: its options, the kernels it may run and any extra grains.</summary>
public interface ISiloBuilder
{
    /// <summary>Gets the service collection the silo is built from.</summary>
    IServiceCollection Services { get; }

    /// <summary>Changes the silo's options.</summary>
    ISiloBuilder Configure(Action<SiloOptions> configure);

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under the name of its <c>[Kernel]</c> attribute.</summary>
    ISiloBuilder AddKernel<TKernel>() where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under <paramref name="name"/>.</summary>
    ISiloBuilder AddKernel<TKernel>(string name) where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under the name of its <c>[Kernel]</c> attribute, with its hard time limit, isolation and memory limit changed by <paramref name="configure"/> (which starts from the attribute's).</summary>
    ISiloBuilder AddKernel<TKernel>(Action<KernelOptions> configure) where TKernel : class;

    /// <summary>Registers the kernel <typeparamref name="TKernel"/> under <paramref name="name"/>, with its hard time limit, isolation and memory limit set by <paramref name="configure"/> (which starts from its <c>[Kernel]</c> attribute's, if any).</summary>
    ISiloBuilder AddKernel<TKernel>(string name, Action<KernelOptions> configure) where TKernel : class;

    /// <summary>Registers a kernel instance under <paramref name="name"/>; it must implement <c>IKernel&lt;TIn, TOut&gt;</c>.</summary>
    ISiloBuilder AddKernel(string name, object kernel);

    /// <summary>Registers every public class with a <c>[Kernel]</c> attribute in <paramref name="assembly"/>.</summary>
    ISiloBuilder AddKernelsFromAssembly(Assembly assembly);

    /// <summary>Sets the retry policy of the kernel registered as <paramref name="name"/>, replacing its <c>[Retry]</c> attribute; a job's own <c>MapOptions.Retry</c> still wins.</summary>
    ISiloBuilder SetKernelRetry(string name, RetryPolicy retry);

    /// <summary>Registers the grain class <typeparamref name="TGrain"/> as the implementation of <typeparamref name="TGrainInterface"/>.</summary>
    ISiloBuilder AddGrain<TGrainInterface, TGrain>()
        where TGrainInterface : class, IGrain
        where TGrain : Grain, TGrainInterface;
}
