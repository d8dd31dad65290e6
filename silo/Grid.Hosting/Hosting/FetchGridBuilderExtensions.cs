using Grid.Fetch;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Hosting;

/// <summary>Sets the silo's fetch policy (<see cref="FetchPolicyOptions"/>, the <c>Grid:Fetch</c> section) from code.</summary>
public static class FetchGridBuilderExtensions
{
    /// <summary>Changes what fetch and upload jobs on this silo may reach: schemes, hosts, addresses, folders and ceilings.</summary>
    public static IGridBuilder ConfigureFetch(this IGridBuilder builder, Action<FetchPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
