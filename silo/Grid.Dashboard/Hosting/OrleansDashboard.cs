using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansDashboardOptions = Orleans.Dashboard.DashboardOptions;

namespace Grid.Dashboard.Hosting;

/// <summary>Orleans' own dashboard (Microsoft.Orleans.Dashboard), served at <see cref="Path"/> by Grid's dashboard server and so behind its guard: loopback only without a token, the token otherwise.</summary>
/// <remarks>
/// Orleans' dashboard has no authentication of its own and shows grain state and live logs, so it is never given a server of
/// its own. Its endpoints take their services from the application they are mapped on; Grid's dashboard server is a separate
/// application, so the few services they ask for are handed over from the silo. They are internal to Orleans' package, so
/// they are found by name, and a version that renames one stops the silo at start naming it rather than failing a request.
/// </remarks>
internal static class OrleansDashboard
{
    /// <summary>The path Orleans' dashboard is served under.</summary>
    public const string Path = "/orleans";

    // The services the endpoints of MapOrleansDashboard resolve, by their full names in Orleans.Dashboard 10.4.
    private static readonly string[] SharedTypeNames =
    [
        "Orleans.Dashboard.EmbeddedAssetProvider",
        "Orleans.Dashboard.Core.IDashboardClient",
        "Orleans.Dashboard.Implementation.DashboardLogger",
    ];

    /// <summary>Adds Orleans' dashboard services to the silo, with its live log stream (the trace page) on.</summary>
    public static void AddTo(ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>Returns whether the silo has Orleans' dashboard services.</summary>
    public static bool IsAddedTo(IServiceProvider silo) => SharedTypes().All(type => type is not null) && silo.GetService(SharedTypes()[0]!) is not null;

    /// <summary>Registers in <paramref name="web"/> the silo's instances of the services Orleans' dashboard endpoints ask for.</summary>
    public static void ShareServices(IServiceProvider silo, IServiceCollection web)
    {
        var types = SharedTypes();
        for (var i = 0; i < types.Length; i++)
        {
            var type = types[i] ?? throw new InvalidOperationException($"Grid:Dashboard:Orleans is on, but this version of Microsoft.Orleans.Dashboard has no {SharedTypeNames[i]}; set Grid:Dashboard:Orleans to false.");
            var instance = silo.GetRequiredService(type);
            web.AddSingleton(type, instance);
        }

        web.AddSingleton(silo.GetRequiredService<IOptions<OrleansDashboardOptions>>());
    }

    private static Type?[] SharedTypes()
    {
        var assembly = typeof(OrleansDashboardOptions).Assembly;
        return [.. SharedTypeNames.Select(name => assembly.GetType(name, throwOnError: false))];
    }
}
