namespace Grid.Dashboard.Api;

/// <summary>The end of a finished job, from the first worker running out of work for good to the job's end: how much worker time sat idle.</summary>
/// <param name="StartMs">When the first worker that ran a chunk finished its last one, in milliseconds since the job started.</param>
/// <param name="EndMs">When the job ended, in milliseconds since it started.</param>
/// <param name="IdleWorkerMs">Worker time idle from <paramref name="StartMs"/> to <paramref name="EndMs"/>, summed over the workers that ran chunks, in milliseconds.</param>
/// <param name="LastWorkerAloneMs">How long the last worker with work had it alone, until its last chunk ended, in milliseconds (0 when one worker ran every chunk).</param>
/// <param name="AllIdleMs">How long no worker had work before the job ended, in milliseconds.</param>
/// <param name="UnusedWorkers">Workers of the job that ran no chunk at all, idle throughout.</param>
/// <param name="LastChunk">The chunk that finished last.</param>
internal sealed record JobTailView(double StartMs, double EndMs, double IdleWorkerMs, double LastWorkerAloneMs, double AllIdleMs, int UnusedWorkers, SlowChunkView LastChunk);
