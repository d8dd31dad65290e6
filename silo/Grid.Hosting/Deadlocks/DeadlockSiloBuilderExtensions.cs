using Microsoft.Extensions.DependencyInjection;

namespace Grid.Hosting.Deadlocks;

/// <summary>Adds Grid's call-chain deadlock detection to an Orleans silo (<see cref="GridSiloBuilderExtensions.AddGrid"/> does).</summary>
public static class DeadlockSiloBuilderExtensions
{
    /// <summary>Makes a call that closes a cycle of non-reentrant grains fail at once with a <see cref="DeadlockException"/> naming the cycle, across silos too.</summary>
    public static ISiloBuilder AddGridDeadlockDetection(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CallChainFilter>();
        builder.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<CallChainFilter>());
        builder.Services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<CallChainFilter>());
        return builder;
    }
}
