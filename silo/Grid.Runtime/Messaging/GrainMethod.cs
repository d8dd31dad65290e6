using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace Grid.Runtime.Messaging;

/// <summary>What the runtime knows about one grain interface method: how to call it and how its caller waits for it.</summary>
internal abstract class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    protected GrainMethod(MethodInfo method)
    {
        Method = method;
        Name = $"{method.DeclaringType?.Name}.{method.Name}";
        IsOneWay = method.GetCustomAttribute<OneWayAttribute>() is not null;
        Interleaves = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
    }

    public MethodInfo Method { get; }

    public string Name { get; }

    public bool IsOneWay { get; }

    /// <summary>Gets whether calls to the method may run while the grain is inside another turn.</summary>
    public bool Interleaves { get; }

    /// <summary>Gets the method's description, made on first use and kept.</summary>
    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, Create);

    /// <summary>Sends the call to <paramref name="target"/> and returns what the caller's proxy returns (a task or an async stream).</summary>
    public abstract object Send(IGrainCallSink target, GrainId grainId, object?[] arguments);

    /// <summary>Compiles a delegate that calls the interface method on a grain with arguments from an array.</summary>
    protected static Func<object, object?[], TResult> Compile<TResult>(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], TResult>>(call, grain, args).Compile();
    }

    private static GrainMethod Create(MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (method.IsGenericMethodDefinition)
        {
            throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} is generic; grain methods cannot be generic.");
        }

        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return new TaskMethod(method);
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            var argument = returnType.GetGenericArguments()[0];
            Type? kind = definition == typeof(Task<>) || definition == typeof(ValueTask<>) ? typeof(TaskMethod<>)
                : definition == typeof(IAsyncEnumerable<>) ? typeof(StreamMethod<>)
                : null;
            if (kind is not null)
            {
                return (GrainMethod)Activator.CreateInstance(kind.MakeGenericType(argument), method)!;
            }
        }

        throw new NotSupportedException(
            $"Grain method {method.DeclaringType?.Name}.{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>.");
    }
}
