using Grid.Kernels;
using Grid.Runtime.Hosting;

namespace Grid.Client;

/// <summary>The entry point of the SDK: runs named kernels on a silo and gives back every result as it completes.</summary>
public sealed partial class GridClient : IAsyncDisposable
{
    /// <summary>Starts a silo inside this process and returns a client connected to it.</summary>
    public static Task<GridClient> StartEmbeddedAsync(Action<ISiloBuilder>? configure = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Gets the grain factory of the silo this client talks to.</summary>
    public IGrainFactory GrainFactory => throw new NotImplementedException();

    /// <summary>Lists the kernels the silo can run.</summary>
    public Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Runs <paramref name="kernel"/> on one input and returns its value; throws an <see cref="ItemFailedException"/> if the item fails.</summary>
    public Task<TOut> SubmitAsync<TIn, TOut>(string kernel, TIn input, SubmitOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Runs <paramref name="kernel"/> over every input, read lazily; enumerate the job to get each result as it completes.</summary>
    public GridJob<TOut> Map<TIn, TOut>(string kernel, IEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Runs <paramref name="kernel"/> over every input, read lazily; enumerate the job to get each result as it completes.</summary>
    public GridJob<TOut> Map<TIn, TOut>(string kernel, IAsyncEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Stops the embedded silo, if this client started one.</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
