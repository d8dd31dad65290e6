namespace Grid.Runtime.Messaging;

/// <summary>A call whose caller waits for a value: starts the grain's work and passes its outcome, a synchronous throw included, to the caller.</summary>
/// <typeparam name="T">The value the caller waits for.</typeparam>
internal abstract class ValueCall<T> : GrainCall
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Exception? Failure => Completion.Task.Exception?.InnerException;

    public override Task InvokeAsync(object grain)
    {
        Task<T> task;
        try
        {
            task = Start(grain);
        }
        catch (Exception exception)
        {
            task = Task.FromException<T>(exception);
        }

        return CallDelivery.CompleteAsync(task, Completion);
    }

    public override void Fail(Exception exception) => Completion.TrySetException(exception);

    /// <summary>Starts the grain's work for this call.</summary>
    protected abstract Task<T> Start(object grain);
}
