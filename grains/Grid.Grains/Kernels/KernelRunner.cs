using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>Runs one registered kernel over a chunk, whatever its item types; made once per kernel so the per-item loop is typed.</summary>
internal abstract class KernelRunner
{
    protected KernelRunner(KernelInfo info) => Info = info;

    public KernelInfo Info { get; }

    /// <summary>Makes the runner of <paramref name="kernel"/>, which implements <see cref="IKernel{TInput, TOutput}"/> for exactly the given types.</summary>
    public static KernelRunner Create(string name, object kernel, Type inputType, Type outputType)
        => (KernelRunner)Activator.CreateInstance(
            typeof(KernelRunner<,>).MakeGenericType(inputType, outputType), name, kernel)!;

    /// <summary>Runs every item of <paramref name="chunk"/>; one item's exception becomes that item's error.</summary>
    public abstract ChunkResult Run(Chunk chunk, string worker, TimeProvider time, CancellationToken cancellationToken);
}
