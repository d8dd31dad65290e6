using System.Reflection;

namespace Grid.Runtime.Messaging;

/// <summary>A grain method that returns <see cref="IAsyncEnumerable{T}"/>: each step of the caller's enumerator is a turn of the grain.</summary>
/// <typeparam name="T">The element type of the stream.</typeparam>
/// <remarks>
/// As with any other call, a step of a non-reentrant grain holds the grain until it yields; a grain that waits inside its stream for
/// calls from others should be <see cref="ReentrantAttribute">reentrant</see>.
/// </remarks>
internal sealed class StreamMethod<T> : GrainMethod
{
    private readonly Func<object, object?[], IAsyncEnumerable<T>> _invoke;

    public StreamMethod(MethodInfo method)
        : base(method)
    {
        _invoke = Compile<IAsyncEnumerable<T>>(method);
        if (IsOneWay)
        {
            throw new NotSupportedException($"Grain method {Name} returns a stream, so it cannot be one-way.");
        }
    }

    public override object Send(IGrainCallSink target, GrainId grainId, object?[] arguments)
        => new Stream(this, target, grainId, arguments);

    private enum Step
    {
        MoveNext,
        Dispose,
    }

    private sealed class Stream(StreamMethod<T> method, IGrainCallSink target, GrainId grainId, object?[] arguments) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
            => new Enumerator(method, target, grainId, arguments, cancellationToken);
    }

    // The grain-side enumerator is touched only inside the grain's turns, which never overlap, so it needs no lock.
    private sealed class Enumerator(StreamMethod<T> method, IGrainCallSink target, GrainId grainId, object?[] arguments, CancellationToken cancellationToken)
        : IAsyncEnumerator<T>
    {
        private IAsyncEnumerator<T>? _inner;
        private object? _grain;
        private bool _finished;

        public T Current { get; private set; } = default!;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_finished)
            {
                return ValueTask.FromResult(false);
            }

            var call = new StepCall(this, Step.MoveNext);
            CallDelivery.Send(target, grainId, call);
            return new ValueTask<bool>(call.Completion.Task);
        }

        public async ValueTask DisposeAsync()
        {
            if (_inner is null || _finished)
            {
                return;
            }

            _finished = true;
            var call = new StepCall(this, Step.Dispose);
            CallDelivery.Send(target, grainId, call);
            await call.Completion.Task.ConfigureAwait(false);
        }

        private async Task<bool> RunStepAsync(object grain, Step step)
        {
            if (step == Step.Dispose)
            {
                if (ReferenceEquals(_grain, grain))
                {
                    await _inner!.DisposeAsync();
                }

                return false;
            }

            if (_inner is null)
            {
                _grain = grain;
                _inner = method._invoke(grain, arguments).GetAsyncEnumerator(cancellationToken);
            }
            else if (!ReferenceEquals(_grain, grain))
            {
                // The stream's code belongs to the activation that began it; running it on its successor would break one-turn-at-a-time.
                _finished = true;
                throw new GridException($"Grain {grainId} was deactivated while {method.Name} was being read; the stream cannot go on.");
            }

            try
            {
                if (await _inner.MoveNextAsync())
                {
                    Current = _inner.Current;
                    return true;
                }
            }
            catch
            {
                _finished = true;
                await _inner.DisposeAsync();
                throw;
            }

            _finished = true;
            await _inner.DisposeAsync();
            return false;
        }

        private sealed class StepCall(Enumerator enumerator, Step step) : ValueCall<bool>
        {
            public override string MethodName => enumerator.StepName(step);

            public override bool Interleaves => enumerator.Interleaves;

            protected override Task<bool> Start(object grain) => enumerator.RunStepAsync(grain, step);
        }

        private bool Interleaves => method.Interleaves;

        private string StepName(Step step) => $"{method.Name}.{step}";
    }
}
