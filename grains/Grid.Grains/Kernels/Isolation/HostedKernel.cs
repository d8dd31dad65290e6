using System.Text.Json;
using Grid.Jobs;

namespace Grid.Kernels.Isolation;

/// <summary>A kernel loaded in a worker process: runs one item given as JSON under the chunk's soft limits and returns its outcome with the value as JSON.</summary>
internal abstract class HostedKernel
{
    /// <summary>Makes the hosted form of <paramref name="kernel"/>, which implements <see cref="IKernel{TInput, TOutput}"/> for exactly the given types.</summary>
    public static HostedKernel Create(string name, object kernel, Type inputType, Type outputType)
        => (HostedKernel)Activator.CreateInstance(typeof(HostedKernel<,>).MakeGenericType(inputType, outputType), name, kernel)!;

    /// <summary>Runs the kernel on the item <paramref name="json"/>; returns its error, or <see langword="null"/> with the value's JSON in <paramref name="value"/>.</summary>
    public abstract ItemError? Run(ReadOnlySpan<byte> json, ItemLimits limits, CancellationToken jobToken, out byte[] value, out TimeSpan duration);
}

/// <summary>The typed <see cref="HostedKernel"/>: decodes the input as <typeparamref name="TIn"/>, runs the kernel through the same per-item code as in the silo, encodes the value.</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed class HostedKernel<TIn, TOut>(string name, IKernel<TIn, TOut> kernel) : HostedKernel
{
    private readonly KernelRunner<TIn, TOut> _runner = new(name, kernel, new KernelOptions());

    public override ItemError? Run(ReadOnlySpan<byte> json, ItemLimits limits, CancellationToken jobToken, out byte[] value, out TimeSpan duration)
    {
        value = [];
        duration = TimeSpan.Zero;
        TIn input;
        try
        {
            input = JsonSerializer.Deserialize<TIn>(json, ItemJson.Options)!;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not only JSON errors: the input type's own constructor or setters may refuse what the bytes say.
            return new ItemError(ItemStatus.Failed, exception.GetType().FullName!, $"The input is not JSON of {typeof(TIn).FullName}, which kernel '{name}' takes: {exception.Message}");
        }

        var error = _runner.RunItem(input, limits, jobToken, out var output, out duration);
        if (error is not null)
        {
            return error;
        }

        try
        {
            value = JsonSerializer.SerializeToUtf8Bytes(output, ItemJson.Options);
            return null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new ItemError(ItemStatus.Failed, exception.GetType().FullName!, $"Kernel '{name}''s value cannot be sent back from its worker process as JSON of {typeof(TOut).FullName}: {exception.Message}");
        }
    }
}
