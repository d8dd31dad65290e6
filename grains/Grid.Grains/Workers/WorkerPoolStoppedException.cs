namespace Grid.Workers;

/// <summary>Says that a chunk did not run because its silo's worker pool stopped: the chunk is not failed but handed out again by its job.</summary>
internal sealed class WorkerPoolStoppedException(string message) : GridException(message);
