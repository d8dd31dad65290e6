using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grid.Hosting.Deadlocks;

/// <summary>Adds Grid's call-chain deadlock detection to an Orleans silo: <c>siloBuilder.AddGridDeadlockDetection()</c>.</summary>
public static class DeadlockSiloBuilderExtensions
{
    /// <summary>Makes a grain call that would close a cycle back to a waiting non-reentrant grain fail at once with a <see cref="DeadlockException"/> instead of timing out.</summary>
    /// <remarks>
    /// Every silo of the cluster should have it: a chain only reaches the grains of silos that carry it on, and a cycle is found
    /// by the silo that makes the call closing it. Calling it again adds nothing.
    /// </remarks>
    public static ISiloBuilder AddGridDeadlockDetection(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<TurnExclusivity>();
        services.TryAddSingleton<CallChainFilter>();

        // One instance on both sides: Orleans resolves its incoming and outgoing filters as two separate lists.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncomingGrainCallFilter, CallChainFilter>(sp => sp.GetRequiredService<CallChainFilter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutgoingGrainCallFilter, CallChainFilter>(sp => sp.GetRequiredService<CallChainFilter>()));
        return builder;
    }
}
