using Grid.Jobs;

namespace Grid.Kernels;

/// <summary>Runs one registered kernel over a chunk, whatever its item types; made once per kernel so the per-item loop is typed.</summary>
internal abstract class KernelRunner
{
    protected KernelRunner(KernelInfo info, KernelOptions options)
    {
        Info = info;
        Options = options;
    }

    public KernelInfo Info { get; }

    /// <summary>Gets the kernel's hard time limit, isolation and memory limit.</summary>
    public KernelOptions Options { get; }

    /// <summary>Makes the runner of <paramref name="kernel"/>, which implements <see cref="IKernel{TInput, TOutput}"/> for exactly the given types.</summary>
    public static KernelRunner Create(string name, object kernel, Type inputType, Type outputType, KernelOptions? options = null)
        => (KernelRunner)Activator.CreateInstance(
            typeof(KernelRunner<,>).MakeGenericType(inputType, outputType), name, kernel, options ?? new KernelOptions())!;

    /// <summary>Returns the hard time limit of the chunk's items: the kernel's or the job's, whichever is smaller, or <see langword="null"/> for none.</summary>
    public TimeSpan? HardLimit(Chunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return (chunk.HardItemTimeout, Options.HardTimeout) switch
        {
            ({ } job, { } own) => job < own ? job : own,
            (var job, var own) => job ?? own,
        };
    }

    /// <summary>Runs every item of <paramref name="chunk"/> on <paramref name="worker"/>; one item's exception, time-out or crash becomes that item's error.</summary>
    public abstract ChunkResult Run(Chunk chunk, KernelWorker worker, CancellationToken cancellationToken);

    /// <summary>Makes the error of an item whose kernel was still running at its hard limit.</summary>
    public ItemError HardTimedOut(TimeSpan limit, string whatHappened) => new(
        ItemStatus.TimedOut,
        KernelReasons.HardTimeout,
        $"Kernel '{Info.Name}' ran past its hard time limit of {limit.TotalMilliseconds:0.###} ms without returning (it ignored its cancellation token); {whatHappened}.");
}
