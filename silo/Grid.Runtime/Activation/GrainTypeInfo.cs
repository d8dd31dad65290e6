using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Runtime.Activation;

/// <summary>What the silo knows about one registered grain class: its interface, how it is activated and how its calls are scheduled.</summary>
internal sealed class GrainTypeInfo
{
    public GrainTypeInfo(Type grainInterface, Type implementation, int siloMaxLocalWorkers)
    {
        Interface = grainInterface;
        Implementation = implementation;
        Name = grainInterface.FullName ?? grainInterface.Name;
        var statelessWorker = implementation.GetCustomAttribute<StatelessWorkerAttribute>();
        IsStatelessWorker = statelessWorker is not null;
        MaxLocalWorkers = statelessWorker is { MaxLocalWorkers: > 0 } ? statelessWorker.MaxLocalWorkers : siloMaxLocalWorkers;
        IsReentrant = implementation.GetCustomAttribute<ReentrantAttribute>() is not null;
        IsCpuBound = implementation.GetCustomAttribute<CpuBoundAttribute>() is not null;
        Factory = ActivatorUtilities.CreateFactory(implementation, Type.EmptyTypes);
    }

    /// <summary>Gets the grain type name used in grain ids: the interface's full name.</summary>
    public string Name { get; }

    public Type Interface { get; }

    public Type Implementation { get; }

    public bool IsStatelessWorker { get; }

    /// <summary>Gets the most activations of a stateless worker per silo.</summary>
    public int MaxLocalWorkers { get; }

    public bool IsReentrant { get; }

    public bool IsCpuBound { get; }

    public ObjectFactory Factory { get; }
}
