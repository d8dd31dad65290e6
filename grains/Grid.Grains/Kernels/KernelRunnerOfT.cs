using System.Diagnostics;
using Grid.Jobs;
using Grid.Kernels.Isolation;

namespace Grid.Kernels;

/// <summary>The typed loop over a chunk: times each item, applies the item and job time limits, and captures each item's exception on its own.</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed class KernelRunner<TIn, TOut>(string name, IKernel<TIn, TOut> kernel, KernelOptions options)
    : KernelRunner(KernelInfo.For(name, typeof(TIn), typeof(TOut)), options)
{
    public override ChunkResult Run(Chunk chunk, KernelWorker worker, CancellationToken cancellationToken)
    {
        var count = chunk.Count;
        var typed = chunk.Inputs as TIn[];
        var outputs = new TOut[count];
        var durations = new TimeSpan[count];
        ItemError?[]? errors = null;
        var succeeded = 0;
        var started = Stopwatch.GetTimestamp();
        var startedAt = worker.Time.GetUtcNow();
        var hard = HardLimit(chunk);

        using var limits = ItemLimits.Create(chunk, worker.Time, cancellationToken);
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

            var error = hard is { } limit
                ? RunItemWithHardLimit(input, limits, limit, worker, cancellationToken, out outputs[i], out durations[i])
                : RunItem(input, limits, cancellationToken, out outputs[i], out durations[i]);
            if (error is null)
            {
                succeeded++;
            }
            else
            {
                (errors ??= new ItemError?[count])[i] = error;
            }
        }

        return new ChunkResult(chunk.JobId, chunk.ChunkId, chunk.StartIndex, succeeded > 0 ? outputs : null, errors, durations, worker.Name,
            Stopwatch.GetElapsedTime(started))
        {
            Started = startedAt,
        };
    }

    /// <summary>Runs the kernel on one item on the calling thread under the item's soft limits; returns the item's error, or <see langword="null"/> with its value in <paramref name="output"/>.</summary>
    public ItemError? RunItem(TIn input, ItemLimits limits, CancellationToken jobToken, out TOut output, out TimeSpan duration)
    {
        var token = limits.BeginItem();
        var itemStart = Stopwatch.GetTimestamp();
        try
        {
            output = kernel.Execute(input, token);
            duration = Stopwatch.GetElapsedTime(itemStart);
            return Completed(limits, duration, ref output, failure: null, token, jobToken);
        }
        catch (Exception exception)
        {
            duration = Stopwatch.GetElapsedTime(itemStart);
            output = default!;
            return Completed(limits, duration, ref output, exception, token, jobToken);
        }
        finally
        {
            limits.EndItem();
        }
    }

    private static ItemError? Completed(ItemLimits limits, TimeSpan duration, ref TOut output, Exception? failure, CancellationToken token, CancellationToken jobToken)
    {
        ItemError? error = failure switch
        {
            null => limits.LateError(duration, jobToken),
            OperationCanceledException when token.IsCancellationRequested => limits.CancelledError(duration, jobToken),
            _ => ItemError.FromException(failure),
        };
        if (error is not null)
        {
            output = default!;
        }

        return error;
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

    // The kernel runs on the worker's kernel thread while this thread waits with the hard limit; at the limit the call is left running.
    private ItemError? RunItemWithHardLimit(TIn input, ItemLimits limits, TimeSpan hard, KernelWorker worker, CancellationToken jobToken, out TOut output, out TimeSpan duration)
    {
        var call = new Call(kernel, input, limits.BeginItem());
        var itemStart = Stopwatch.GetTimestamp();
        if (!worker.TryRunGuarded(call, hard))
        {
            duration = Stopwatch.GetElapsedTime(itemStart);
            output = default!;
            limits.AbandonItem();
            worker.ReportAbandoned(Info.Name, hard);
            return HardTimedOut(hard, "the worker abandoned it and went on with the next item, but the abandoned call keeps running on a thread of the silo's process until it returns (run the kernel with Isolation = Process to have it killed)");
        }

        duration = Stopwatch.GetElapsedTime(itemStart);
        output = call.Output;
        var error = Completed(limits, duration, ref output, call.Failure, call.Token, jobToken);
        limits.EndItem();
        return error;
    }

    private ItemError WrongInput(object? value, long index) => new(
        ItemStatus.Failed,
        typeof(InvalidCastException).FullName!,
        $"Input {index} is {value?.GetType().FullName ?? "null"}, but kernel '{Info.Name}' takes {typeof(TIn).FullName}.");

    /// <summary>One item's kernel call on a <see cref="KernelThread"/>, with its value or exception.</summary>
    private sealed class Call(IKernel<TIn, TOut> kernel, TIn input, CancellationToken token) : IKernelCall
    {
        public CancellationToken Token => token;

        public TOut Output { get; private set; } = default!;

        public Exception? Failure { get; private set; }

        public void Invoke()
        {
            try
            {
                Output = kernel.Execute(input, token);
            }
            catch (Exception exception)
            {
                Failure = exception;
            }
        }
    }
}
