namespace Grid.Runtime.Messaging;

/// <summary>The steps every grain method kind shares: putting a call into a mailbox and passing a turn's outcome to the caller.</summary>
internal static class CallDelivery
{
    /// <summary>Sends <paramref name="call"/>; if it cannot be queued, the caller learns why through the call's own outcome.</summary>
    public static void Send(IGrainCallSink target, GrainId grainId, GrainCall call) => Deliver(target, grainId, call, rethrow: false);

    /// <summary>Sends <paramref name="call"/> and returns the queueing, which faults when the call cannot be queued (what a one-way caller waits for).</summary>
    public static Task Deliver(IGrainCallSink target, GrainId grainId, GrainCall call, bool rethrow = true)
    {
        ValueTask queued;
        try
        {
            queued = target.SendAsync(grainId, call);
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            return rethrow ? Task.FromException(exception) : Task.CompletedTask;
        }

        if (queued.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }

        return ObserveAsync(queued, call, rethrow);
    }

    /// <summary>Waits for a grain's task and completes the caller's source with its outcome; never faults.</summary>
    public static async Task CompleteAsync(Task task, TaskCompletionSource completion)
    {
        try
        {
            await task;
            completion.TrySetResult();
        }
        catch (OperationCanceledException exception) when (task.IsCanceled)
        {
            completion.TrySetCanceled(exception.CancellationToken);
        }
        catch (Exception exception)
        {
            completion.TrySetException(exception);
        }
    }

    /// <summary>Waits for a grain's task and completes the caller's source with its value; never faults.</summary>
    public static async Task CompleteAsync<T>(Task<T> task, TaskCompletionSource<T> completion)
    {
        try
        {
            completion.TrySetResult(await task);
        }
        catch (OperationCanceledException exception) when (task.IsCanceled)
        {
            completion.TrySetCanceled(exception.CancellationToken);
        }
        catch (Exception exception)
        {
            completion.TrySetException(exception);
        }
    }

    private static async Task ObserveAsync(ValueTask queued, GrainCall call, bool rethrow)
    {
        try
        {
            await queued.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            if (rethrow)
            {
                throw;
            }
        }
    }
}
