using Grid.Fetch;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Runtime.Hosting;

/// <summary>Sets the silo's fetch policy (<see cref="FetchPolicyOptions"/>, the <c>Grid:Fetch</c> section) from code.</summary>
public static class FetchSiloBuilderExtensions
{
    /// <summary>Changes what fetch and upload jobs on this silo may reach: schemes, hosts, addresses, folders and ceilings.</summary>
    public static ISiloBuilder ConfigureFetch(this ISiloBuilder builder, Action<FetchPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
