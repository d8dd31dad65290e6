using Grid;
using Grid.Dashboard.Api;
using Grid.Dashboard.Cluster;
using Grid.Dashboard.Hosting;
using Grid.Monitoring;
using Grid.Hosting;
using Grid.Stored;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds the dashboard to a silo.</summary>
public static class DashboardGridBuilderExtensions
{
    /// <summary>Serves the dashboard from the silo, on <c>http://127.0.0.1:5180</c> unless <paramref name="configure"/> says otherwise; the settings are checked when the silo starts.</summary>
    public static IGridBuilder AddDashboard(this IGridBuilder silo, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddOptions<DashboardOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(DashboardServer)))
        {
            // Orleans' dashboard adds services (and a grain-call profiler) to the silo itself, so whether it is served is read now.
            var settings = new DashboardOptions();
            configure?.Invoke(settings);
            if (settings.Orleans && silo is GridBuilder { Silo: { } orleans })
            {
                OrleansDashboard.AddTo(orleans);
            }

            services.AddSingleton(sp => new ClusterActivity(
                sp.GetRequiredService<JobMonitor>(),
                sp.GetRequiredService<IGridSilo>(),
                sp.GetRequiredService<IClusterMembershipService>(),
                sp.GetRequiredService<ILocalSiloDetails>(),
                sp.GetRequiredService<IGrainFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ClusterActivity>>()));
            services.AddSingleton(sp => new DashboardReader(sp.GetRequiredService<SiloMonitor>(), sp.GetRequiredService<ClusterActivity>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IClusterDirectory>()));
            services.AddSingleton(sp => new StoredJobsReader(sp.GetRequiredService<JobStore>(), sp.GetRequiredService<ClusterActivity>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new DashboardServer(
                sp.GetRequiredService<IOptions<DashboardOptions>>(),
                sp.GetRequiredService<DashboardReader>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<IConfiguration>(),
                sp));
            services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<DashboardServer>());
        }

        return silo;
    }
}
