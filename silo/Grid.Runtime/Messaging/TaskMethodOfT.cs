using System.Reflection;

namespace Grid.Runtime.Messaging;

/// <summary>A grain method that returns <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>: the caller waits for the turn's value.</summary>
/// <typeparam name="T">The method's result type.</typeparam>
internal sealed class TaskMethod<T> : GrainMethod
{
    private readonly Func<object, object?[], Task<T>> _invoke;
    private readonly bool _returnsValueTask;

    public TaskMethod(MethodInfo method)
        : base(method)
    {
        _returnsValueTask = method.ReturnType == typeof(ValueTask<T>);
        if (_returnsValueTask)
        {
            var invoke = Compile<ValueTask<T>>(method);
            _invoke = (grain, args) => invoke(grain, args).AsTask();
        }
        else
        {
            _invoke = Compile<Task<T>>(method);
        }

        if (IsOneWay)
        {
            throw new NotSupportedException($"Grain method {Name} returns a value, so it cannot be one-way.");
        }
    }

    public override object Send(IGrainCallSink target, GrainId grainId, object?[] arguments)
    {
        var call = new Call(this, arguments);
        CallDelivery.Send(target, grainId, call);
        return _returnsValueTask ? new ValueTask<T>(call.Completion.Task) : call.Completion.Task;
    }

    private sealed class Call(TaskMethod<T> method, object?[] arguments) : ValueCall<T>
    {
        public override string MethodName => method.Name;

        public override bool Interleaves => method.Interleaves;

        protected override Task<T> Start(object grain) => method._invoke(grain, arguments);
    }
}
