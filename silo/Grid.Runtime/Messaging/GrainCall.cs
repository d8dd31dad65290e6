namespace Grid.Runtime.Messaging;

/// <summary>One call waiting in a mailbox: knows how to run itself on a grain and how to report its outcome to the caller.</summary>
internal abstract class GrainCall
{
    /// <summary>Gets a name for logs: the interface method called.</summary>
    public abstract string MethodName { get; }

    /// <summary>Runs the call on <paramref name="grain"/>; the returned task ends when the turn ends.</summary>
    public abstract Task InvokeAsync(object grain);

    /// <summary>Reports to the caller that the call could not run.</summary>
    public abstract void Fail(Exception exception);
}
