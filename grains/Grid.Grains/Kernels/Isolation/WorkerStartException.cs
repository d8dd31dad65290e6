namespace Grid.Kernels.Isolation;

/// <summary>Raised when a worker process cannot be started or does not get ready; the items waiting for it fail with <see cref="KernelReasons.WorkerFailed"/>.</summary>
internal sealed class WorkerStartException(string message, Exception? innerException = null) : Exception(message, innerException);
