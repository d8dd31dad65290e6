namespace Grid.Kernels;

/// <summary>A named piece of CPU work registered on a silo: turns one input into one output.</summary>
/// <typeparam name="TInput">The type of one input item.</typeparam>
/// <typeparam name="TOutput">The type of one result.</typeparam>
/// <remarks>
/// One instance serves every worker of the silo at once, so a kernel must be safe to call concurrently.
/// An exception thrown by <see cref="Execute"/> becomes that item's error and touches no other item.
/// Long kernels should observe the cancellation token given to <see cref="Execute"/>: it is signalled
/// when the item's or the job's time limit passes or the job is cancelled.
/// </remarks>
public interface IKernel<in TInput, out TOutput>
{
    /// <summary>Computes the result for one input item.</summary>
    TOutput Execute(TInput input, CancellationToken cancellationToken);
}
