using Grid.Fetch;
using Grid.Hosting.Deadlocks;
using Grid.Hosting.Diagnostics;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.BuiltIn;
using Grid.Kernels.Isolation;
using Grid.Monitoring;
using Grid.Serialization;
using Grid.Stored;
using Grid.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Serialization;

namespace Grid.Hosting;

/// <summary>Adds Grid to an Orleans silo: <c>siloBuilder.AddGrid(grid => grid.AddKernel&lt;MyKernel&gt;())</c>.</summary>
public static class GridSiloBuilderExtensions
{
    /// <summary>Adds Grid's grains, the silo's worker pool, the built-in kernels and <paramref name="configure"/>'s kernels and options to the silo.</summary>
    /// <remarks>
    /// Grid's grains (jobs, worker pools, the I/O grain) come from Grid's assemblies, which Orleans finds by their references;
    /// this call registers what they need: the kernel registry, the worker pool on Grid's own kernel threads, the placement of
    /// each silo's pool on that silo, item types as JSON, call-chain deadlock detection and the options, validated at start.
    /// Calling it again only runs <paramref name="configure"/>.
    /// </remarks>
    public static ISiloBuilder AddGrid(this ISiloBuilder builder, Action<IGridBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var grid = new GridBuilder(services) { Silo = builder };
        if (!services.Any(d => d.ServiceType == typeof(GridMarker)))
        {
            services.AddSingleton<GridMarker>();
            AddServices(services);
            builder.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();

            // The pools' directory: Orleans' default directory deactivates the activations whose entries a leaving silo held,
            // which would take a live silo's pool down with its results in flight; the distributed directory hands the
            // entries over instead. Only the pool grains use it.
#pragma warning disable ORLEANSEXP003 // Orleans marks the distributed grain directory experimental.
            builder.AddDistributedGrainDirectory(WorkerPools.DirectoryName);
#pragma warning restore ORLEANSEXP003
            builder.AddGridDeadlockDetection();

            // Orleans carries the caller's span into each grain call, so a job is one trace across silos and clients.
            builder.AddActivityPropagation();
            grid.AddKernel<IsPrimeKernel>()
                .AddKernel<MonteCarloPiKernel>()
                .AddKernel<FileTransformKernel>()
                .AddKernel<Sha256Kernel>();
        }

        configure?.Invoke(grid);
        return builder;
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddSerializer(s => s.AddGridItems());
        services.AddOptions<SiloOptions>().ValidateOnStart();
        services.AddOptions<JobOptions>().ValidateOnStart();
        services.AddOptions<IsolationOptions>().ValidateOnStart();
        services.AddOptions<FetchPolicyOptions>().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().ValidateOnStart();
        services.AddOptions<StoredJobOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, JobOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IsolationOptions>, IsolationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FetchPolicyOptions>, FetchPolicyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoredJobOptions>, StoredJobOptionsValidator>());

        // Orleans collects idle activations by the silo's Grid settings, so one place says how long a finished job lingers.
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<SiloOptions>>((collection, silo) =>
        {
            collection.CollectionAge = silo.Value.IdleTimeout;
            collection.CollectionQuantum = silo.Value.CollectionInterval;
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGridSilo, GridSiloInfo>();
        services.TryAddSingleton<KernelRegistry>();
        services.TryAddSingleton<KernelProcesses>();
        services.TryAddSingleton<WorkerPool>();
        services.TryAddSingleton<JobMonitor>();
        services.TryAddSingleton<FetchPolicy>();
        services.TryAddSingleton<FetchHttp>();
        services.TryAddSingleton<RequestRunner>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<StoredJobRunner>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoredJobLifecycle>();
        services.TryAddSingleton(sp => new SiloMonitor(
            sp.GetRequiredService<WorkerPool>(), sp.GetRequiredService<IOptions<SiloOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TelemetryExporter(
            sp.GetRequiredService<IOptions<TelemetryOptions>>(),
            sp.GetRequiredService<IOptions<SiloOptions>>(),
            sp.GetRequiredService<SiloMonitor>(),
            sp,
            sp.GetRequiredService<ILogger<TelemetryExporter>>()));

        // OpenTelemetry's hosting builds the providers with the host; the exporter decides at that point, from the options, what they subscribe to.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(sp => new SiloResourceDetector(sp.GetRequiredService<TelemetryExporter>())))
            .WithTracing()
            .WithMetrics();
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) => sp.GetRequiredService<TelemetryExporter>().ConfigureTracing(tracing));
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => sp.GetRequiredService<TelemetryExporter>().ConfigureMetrics(metrics));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloLifecycleParticipant, TelemetryExporter>(sp => sp.GetRequiredService<TelemetryExporter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloLifecycleParticipant, WorkerPoolParticipant>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, GridLifecycle>();
    }

    // Marks a service collection Grid has been added to.
    private sealed class GridMarker;
}
