using System.Reflection;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels.Isolation;
using Grid.Hosting;
using Grid.Hosting.Cluster;
using Grid.Hosting.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Runs a Grid silo inside a .NET Generic Host.</summary>
public static class GridHostApplicationBuilderExtensions
{
    /// <summary>The configuration key listing assembly files whose <c>[Kernel]</c> classes the silo registers.</summary>
    public const string KernelAssembliesKey = "Grid:Kernels:Assemblies";

    /// <summary>Runs an Orleans silo with Grid in the host, configured from the <c>Grid:Silo</c>, <c>Grid:Cluster</c>, <c>Grid:Jobs</c>, <c>Grid:Fetch</c>, <c>Grid:Isolation</c> and <c>Grid:Telemetry</c> sections, with the kernels of the assemblies listed under <c>Grid:Kernels:Assemblies</c>.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A <c>Grid:Cluster</c> setting is out of range; each failure names it.</exception>
    public static IHostApplicationBuilder UseGrid(this IHostApplicationBuilder builder, Action<IGridBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection(SiloOptions.SectionName));
        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection(JobOptions.SectionName));
        builder.Services.Configure<Grid.Stored.StoredJobOptions>(builder.Configuration.GetSection(Grid.Stored.StoredJobOptions.SectionName));
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        builder.Services.Configure<FetchPolicyOptions>(builder.Configuration.GetSection(FetchPolicyOptions.SectionName));
        builder.Services.Configure<IsolationOptions>(builder.Configuration.GetSection(IsolationOptions.SectionName));
        var cluster = new GridClusterOptions();
        builder.Configuration.GetSection(GridClusterOptions.SectionName).Bind(cluster);
        var assemblies = builder.Configuration.GetSection(KernelAssembliesKey).Get<string[]>() ?? [];
        builder.UseOrleans(silo => silo
            .UseGridCluster(cluster)
            .AddGrid(grid =>
            {
                foreach (var path in assemblies)
                {
                    grid.AddKernelsFromAssembly(LoadKernelAssembly(path));
                }

                configure?.Invoke(grid);
            }));
        return builder;
    }

    private static Assembly LoadKernelAssembly(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"{KernelAssembliesKey} lists '{path}', but no file exists at {full}.");
        }

        try
        {
            return Assembly.LoadFrom(full);
        }
        catch (BadImageFormatException exception)
        {
            throw new InvalidOperationException($"{KernelAssembliesKey} lists '{path}', which is not a .NET assembly: {exception.Message}", exception);
        }
    }
}
