using Grid.Kernels.Isolation;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Hosting;

/// <summary>Sets how the silo runs process-isolated kernels (<see cref="IsolationOptions"/>, the <c>Grid:Isolation</c> section) from code.</summary>
public static class IsolationGridBuilderExtensions
{
    /// <summary>Changes the worker processes' default memory limit, memory check interval, frame size limit, start time limit or program.</summary>
    public static IGridBuilder ConfigureIsolation(this IGridBuilder builder, Action<IsolationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
