using System.Reflection;

namespace Grid.Runtime.Messaging;

/// <summary>The object behind every grain reference: turns each interface call into a <see cref="GrainCall"/> sent to the grain's activation.</summary>
/// <remarks>Public only because <see cref="DispatchProxy"/> derives a type from it at run time; it is not part of Grid's API.</remarks>
public class GrainReference : DispatchProxy
{
    private IGrainCallSink? _sink;

    /// <summary>Gets the identity of the grain this reference calls.</summary>
    public GrainId GrainId { get; private set; }

    /// <inheritdoc />
    public override string ToString() => $"GrainReference({GrainId})";

    internal static TGrain Create<TGrain>(IGrainCallSink sink, GrainId grainId)
        where TGrain : class, IGrain
    {
        var proxy = Create<TGrain, GrainReference>();
        var reference = (GrainReference)(object)proxy;
        reference._sink = sink;
        reference.GrainId = grainId;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return GrainMethod.For(targetMethod).Send(_sink!, GrainId, args ?? []);
    }
}
