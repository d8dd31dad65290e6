using System.Reflection;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Hosting;

/// <summary>Collects Grid's registrations (options, kernels, retry policies) into the silo's service collection.</summary>
internal sealed class GridBuilder(IServiceCollection services) : IGridBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Gets the Orleans silo builder Grid was added to, for extensions that add Orleans features of their own (the Orleans dashboard).</summary>
    public ISiloBuilder? Silo { get; init; }

    public IGridBuilder Configure(Action<SiloOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    public IGridBuilder AddKernel<TKernel>()
        where TKernel : class => AddKernel(typeof(TKernel), NameOf(typeof(TKernel)), instance: null, configure: null);

    public IGridBuilder AddKernel<TKernel>(string name)
        where TKernel : class => AddKernel(typeof(TKernel), KernelNames.Validate(name, nameof(name)), instance: null, configure: null);

    public IGridBuilder AddKernel<TKernel>(Action<KernelOptions> configure)
        where TKernel : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddKernel(typeof(TKernel), NameOf(typeof(TKernel)), instance: null, configure);
    }

    public IGridBuilder AddKernel<TKernel>(string name, Action<KernelOptions> configure)
        where TKernel : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddKernel(typeof(TKernel), KernelNames.Validate(name, nameof(name)), instance: null, configure);
    }

    public IGridBuilder AddKernel(string name, object kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return AddKernel(kernel.GetType(), KernelNames.Validate(name, nameof(name)), kernel, configure: null);
    }

    public IGridBuilder AddKernelsFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetExportedTypes())
        {
            if (type is { IsClass: true, IsAbstract: false } && type.GetCustomAttribute<KernelAttribute>() is { } attribute)
            {
                AddKernel(type, attribute.Name, instance: null, configure: null);
            }
        }

        return this;
    }

    public IGridBuilder SetKernelRetry(string name, RetryPolicy retry)
    {
        KernelNames.Validate(name, nameof(name));
        ArgumentNullException.ThrowIfNull(retry);
        retry.Validate($"kernel '{name}': Retry");
        Services.AddSingleton(new KernelRetryRegistration(name, retry));
        return this;
    }

    private static string NameOf(Type kernelType) => kernelType.GetCustomAttribute<KernelAttribute>()?.Name
        ?? throw new ArgumentException($"{kernelType.FullName} has no [Kernel(\"name\")] attribute; give it one or register it with AddKernel<T>(name).");

    private GridBuilder AddKernel(Type kernelType, string name, object? instance, Action<KernelOptions>? configure)
    {
        // Fail at registration, not at the first job, when the class is not a kernel or its options are out of range.
        KernelRegistry.GetKernelTypes(kernelType);
        var options = KernelOptions.From(kernelType.GetCustomAttribute<KernelAttribute>());
        configure?.Invoke(options);
        var registration = new KernelRegistration(name, kernelType, instance) { Options = options.Clone() };
        KernelRegistry.ThrowIfNotIsolatable(registration);
        Services.AddSingleton(registration);
        return this;
    }
}
