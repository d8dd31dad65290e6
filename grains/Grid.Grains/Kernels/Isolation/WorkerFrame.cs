namespace Grid.Kernels.Isolation;

/// <summary>What the silo's reader of a worker process hands the supervising worker: a frame, the end of the process's output, a malformed frame, or a wake-up.</summary>
/// <param name="Kind">The frame's kind, or 0 for the other cases.</param>
/// <param name="Payload">The frame's payload.</param>
/// <param name="Problem">Why the output ended or was malformed; <see langword="null"/> for a frame or a wake-up.</param>
/// <param name="Malformed">Whether the output broke the framing (as opposed to ending).</param>
internal readonly record struct WorkerFrame(byte Kind, byte[] Payload, string? Problem, bool Malformed)
{
    /// <summary>Gets a wake-up with nothing in it, sent when the job is cancelled.</summary>
    public static WorkerFrame Wake => new(0, [], null, false);

    /// <summary>Gets whether the worker process's output has ended or broken; nothing follows.</summary>
    public bool IsEnd => Problem is not null;
}
