using System.Reflection;

namespace Grid.Runtime.Messaging;

/// <summary>A grain method that returns <see cref="Task"/> or <see cref="ValueTask"/>: the caller waits for the turn to end, or only for the queueing when the method is one-way.</summary>
internal sealed class TaskMethod : GrainMethod
{
    private readonly Func<object, object?[], Task> _invoke;
    private readonly bool _returnsValueTask;

    public TaskMethod(MethodInfo method)
        : base(method)
    {
        _returnsValueTask = method.ReturnType == typeof(ValueTask);
        if (_returnsValueTask)
        {
            var invoke = Compile<ValueTask>(method);
            _invoke = (grain, args) => invoke(grain, args).AsTask();
        }
        else
        {
            _invoke = Compile<Task>(method);
        }
    }

    public override object Send(IGrainCallSink target, GrainId grainId, object?[] arguments)
    {
        // Nobody waits for a one-way call, so the turns it came from cannot be blocked by it: it carries no chain.
        var call = IsOneWay ? new Call(this, arguments) { Chain = null } : new Call(this, arguments);
        Task task;
        if (IsOneWay)
        {
            task = CallDelivery.Deliver(target, grainId, call);
        }
        else
        {
            CallDelivery.Send(target, grainId, call);
            task = call.Completion.Task;
        }

        return _returnsValueTask ? new ValueTask(task) : task;
    }

    private sealed class Call(TaskMethod method, object?[] arguments) : GrainCall
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override string MethodName => method.Name;

        public override bool Interleaves => method.Interleaves;

        public override Exception? Failure => Completion.Task.Exception?.InnerException;

        public override Task InvokeAsync(object grain)
        {
            Task task;
            try
            {
                task = method._invoke(grain, arguments);
            }
            catch (Exception exception)
            {
                task = Task.FromException(exception);
            }

            return method.IsOneWay ? task : CallDelivery.CompleteAsync(task, Completion);
        }

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
