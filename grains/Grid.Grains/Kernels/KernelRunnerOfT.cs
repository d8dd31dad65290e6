using System.Diagnostics;
using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>The typed loop over a chunk: times each item, applies the item and job time limits, and captures each item's exception on its own.</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed class KernelRunner<TIn, TOut>(string name, IKernel<TIn, TOut> kernel)
    : KernelRunner(new KernelInfo(name, typeof(TIn), typeof(TOut)))
{
    public override ChunkResult Run(Chunk chunk, string worker, TimeProvider time, CancellationToken cancellationToken)
    {
        var count = chunk.Count;
        var typed = chunk.Inputs as TIn[];
        var outputs = new TOut[count];
        var durations = new TimeSpan[count];
        ItemError?[]? errors = null;
        var succeeded = 0;
        var started = Stopwatch.GetTimestamp();
        var startedAt = time.GetUtcNow();

        using var limits = ItemLimits.Create(chunk, time, cancellationToken);
        for (var i = 0; i < count; i++)
        {
            if (limits.StopReason(cancellationToken) is { } stopped)
            {
                (errors ??= new ItemError?[count])[i] = stopped;
                continue;
            }

            TIn input;
            if (typed is not null)
            {
                input = typed[i];
            }
            else if (!TryGetInput(chunk.Inputs.GetValue(i), out input))
            {
                (errors ??= new ItemError?[count])[i] = WrongInput(chunk.Inputs.GetValue(i), chunk.StartIndex + i);
                continue;
            }

            var token = limits.BeginItem();
            var itemStart = Stopwatch.GetTimestamp();
            try
            {
                outputs[i] = kernel.Execute(input, token);
                durations[i] = Stopwatch.GetElapsedTime(itemStart);
                if (limits.LateError(durations[i], cancellationToken) is { } late)
                {
                    (errors ??= new ItemError?[count])[i] = late;
                    outputs[i] = default!;
                }
                else
                {
                    succeeded++;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                durations[i] = Stopwatch.GetElapsedTime(itemStart);
                (errors ??= new ItemError?[count])[i] = limits.CancelledError(durations[i], cancellationToken);
            }
            catch (Exception exception)
            {
                durations[i] = Stopwatch.GetElapsedTime(itemStart);
                (errors ??= new ItemError?[count])[i] = ItemError.FromException(exception);
            }
            finally
            {
                limits.EndItem();
            }
        }

        return new ChunkResult(chunk.JobId, chunk.ChunkId, chunk.StartIndex, succeeded > 0 ? outputs : null, errors, durations, worker,
            Stopwatch.GetElapsedTime(started))
        {
            Started = startedAt,
        };
    }

    private static bool TryGetInput(object? value, out TIn input)
    {
        if (value is TIn item)
        {
            input = item;
            return true;
        }

        input = default!;
        return value is null && default(TIn) is null;
    }

    private ItemError WrongInput(object? value, long index) => new(
        ItemStatus.Failed,
        typeof(InvalidCastException).FullName!,
        $"Input {index} is {value?.GetType().FullName ?? "null"}, but kernel '{Info.Name}' takes {typeof(TIn).FullName}.");
}
