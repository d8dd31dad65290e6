using Grid.Client;
using Grid.Kernels;

namespace Grid.Cli.Benchmarking;

/// <summary>A benchmark of one kernel over fixed inputs: "time it serially and in parallel".</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
/// <param name="kernel">The name the silo knows the kernel by.</param>
/// <param name="instance">The kernel's class, called directly for the serial baseline: the very code the workers run, with no grid in between.</param>
/// <param name="inputs">The inputs, the same for every run.</param>
internal sealed class BenchWorkload<TIn, TOut>(string kernel, IKernel<TIn, TOut> instance, TIn[] inputs) : IBenchWorkload
{
    private TOut[]? _expected;

    /// <inheritdoc />
    public string Kernel => kernel;

    /// <inheritdoc />
    public int Items => inputs.Length;

    /// <inheritdoc />
    public BenchMeasurement RunSerial(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);

        // One untimed call compiles the kernel first, as the warm-up job does for each grid run.
        instance.Execute(inputs[0], cancellationToken);
        var expected = new TOut[inputs.Length];
        var start = timeProvider.GetTimestamp();
        for (var i = 0; i < inputs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            expected[i] = instance.Execute(inputs[i], cancellationToken);
        }

        var wallTime = timeProvider.GetElapsedTime(start);
        _expected = expected;
        return new BenchMeasurement(0, wallTime, inputs.Length, Failed: 0, Mismatched: 0);
    }

    /// <inheritdoc />
    public async Task<BenchMeasurement> RunGridAsync(GridClient client, int workers, MapOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // An untimed one-item job first: a new silo compiles and activates its job and worker grains on first use,
        // a cost a long-running grid pays once, not per job.
        await foreach (var _ in client.Map<TIn, TOut>(kernel, inputs.Take(1), options, cancellationToken).WithCancellation(cancellationToken))
        {
        }

        int failed = 0, mismatched = 0;
        var start = timeProvider.GetTimestamp();
        await foreach (var result in client.Map<TIn, TOut>(kernel, inputs, options, cancellationToken).WithCancellation(cancellationToken))
        {
            if (!result.IsSuccess)
            {
                failed++;
            }
            else if (_expected is not null && !EqualityComparer<TOut>.Default.Equals(result.Value, _expected[result.Index]))
            {
                mismatched++;
            }
        }

        return new BenchMeasurement(workers, timeProvider.GetElapsedTime(start), inputs.Length, failed, mismatched);
    }
}
