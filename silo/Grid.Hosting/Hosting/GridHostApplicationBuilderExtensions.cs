using System.Reflection;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels.Isolation;
using Grid.Runtime.Diagnostics;
using Grid.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Runs a Grid silo inside a .NET Generic Host.</summary>
public static class GridHostApplicationBuilderExtensions
{
    /// <summary>The configuration key listing assembly files whose <c>[Kernel]</c> classes the silo registers.</summary>
    public const string KernelAssembliesKey = "Grid:Kernels:Assemblies";

    /// <summary>Adds a silo configured from the <c>Grid:Silo</c>, <c>Grid:Jobs</c>, <c>Grid:Fetch</c> and <c>Grid:Isolation</c> sections, with the kernels of the assemblies listed under <c>Grid:Kernels:Assemblies</c>.</summary>
    public static IHostApplicationBuilder UseGrid(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection(SiloOptions.SectionName));
        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection(JobOptions.SectionName));
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        builder.Services.Configure<FetchPolicyOptions>(builder.Configuration.GetSection(FetchPolicyOptions.SectionName));
        builder.Services.Configure<IsolationOptions>(builder.Configuration.GetSection(IsolationOptions.SectionName));
        var assemblies = builder.Configuration.GetSection(KernelAssembliesKey).Get<string[]>() ?? [];
        builder.Services.AddGridSilo(silo =>
        {
            foreach (var path in assemblies)
            {
                silo.AddKernelsFromAssembly(LoadKernelAssembly(path));
            }

            configure?.Invoke(silo);
        });
        builder.Services.AddHostedService<SiloHostedService>();
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
