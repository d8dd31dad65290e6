using System.Diagnostics;

namespace Grid.Runtime.Messaging;

/// <summary>One call waiting in a mailbox: knows how to run itself on a grain and how to report its outcome to the caller.</summary>
internal abstract class GrainCall
{
    /// <summary>Gets the trace context of the caller, so the grain's turn continues the caller's trace.</summary>
    public ActivityContext Parent { get; } = Activity.Current?.Context ?? default;

    /// <summary>Gets the grains whose turns wait on this call, latest first; <see langword="null"/> for a call from outside any grain turn and for a one-way call, which nobody waits for.</summary>
    public CallChain? Chain { get; init; } = CallChain.Current;

    /// <summary>Gets whether the call may run while its grain is inside another turn (<see cref="AlwaysInterleaveAttribute"/>).</summary>
    public abstract bool Interleaves { get; }

    /// <summary>Gets the exception the call ended with, once its turn has ended; <see langword="null"/> when it succeeded.</summary>
    public abstract Exception? Failure { get; }

    /// <summary>Gets a name for logs: the interface method called.</summary>
    public abstract string MethodName { get; }

    /// <summary>Runs the call on <paramref name="grain"/>; the returned task ends when the turn ends.</summary>
    public abstract Task InvokeAsync(object grain);

    /// <summary>Reports to the caller that the call could not run.</summary>
    public abstract void Fail(Exception exception);
}
