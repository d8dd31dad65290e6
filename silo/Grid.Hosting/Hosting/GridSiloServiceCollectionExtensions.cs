using Grid;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.BuiltIn;
using Grid.Kernels.Isolation;
using Grid.Monitoring;
using Grid.Runtime.Activation;
using Grid.Runtime.Diagnostics;
using Grid.Runtime.Hosting;
using Grid.Workers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a Grid silo, its grains and its built-in kernels to a service collection.</summary>
public static class GridSiloServiceCollectionExtensions
{
    /// <summary>Registers the silo's services; <paramref name="configure"/> adds kernels and changes options.</summary>
    public static IServiceCollection AddGridSilo(this IServiceCollection services, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.AddOptions<SiloOptions>().ValidateOnStart();
        services.AddOptions<JobOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, JobOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton<KernelRegistry>();
        services.AddOptions<IsolationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IsolationOptions>, IsolationOptionsValidator>());
        services.TryAddSingleton<KernelProcesses>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloLifecycleParticipant, KernelProcessesParticipant>());
        services.TryAddSingleton<JobMonitor>();
        services.TryAddSingleton<IChunkDispatcher, LocalChunkDispatcher>();
        services.AddOptions<FetchPolicyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FetchPolicyOptions>, FetchPolicyOptionsValidator>());
        services.TryAddSingleton<FetchPolicy>();
        services.TryAddSingleton<FetchHttp>();
        services.TryAddSingleton<RequestRunner>();
        services.AddOptions<TelemetryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddSingleton(sp => new TelemetryExporter(
            sp.GetRequiredService<IOptions<TelemetryOptions>>(),
            sp.GetRequiredService<IOptions<SiloOptions>>(),
            sp.GetRequiredService<SiloMonitor>(),
            sp.GetRequiredService<ILogger<TelemetryExporter>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloLifecycleParticipant, TelemetryExporter>(sp => sp.GetRequiredService<TelemetryExporter>()));
        services.TryAddSingleton(sp => new SiloMonitor(
            sp.GetRequiredService<Catalog>(), sp.GetRequiredService<IOptions<SiloOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGrainRuntime, SiloRuntimeInfo>();
        services.TryAddSingleton(sp => sp.GetRequiredService<Catalog>().GrainFactory);
        services.TryAddSingleton(sp => new Silo(
            sp.GetRequiredService<Catalog>(),
            sp.GetRequiredService<IOptions<SiloOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<ISiloLifecycleParticipant>(),
            sp.GetRequiredService<ILogger<Silo>>()));

        var builder = new SiloBuilder(services);
        if (!services.Any(d => d.ServiceType == typeof(GrainRegistration)))
        {
            builder.AddGrain<IJobGrain, JobGrain>()
                .AddGrain<IFetchGrain, FetchGrain>()
                .AddGrain<IWorkerGrain, WorkerGrain>()
                .AddGrain<IKernelCatalogGrain, KernelCatalogGrain>()
                .AddKernel<IsPrimeKernel>()
                .AddKernel<MonteCarloPiKernel>()
                .AddKernel<FileTransformKernel>()
                .AddKernel<Sha256Kernel>();
        }

        configure?.Invoke(builder);
        return services;
    }
}
