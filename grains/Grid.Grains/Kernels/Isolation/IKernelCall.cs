namespace Grid.Kernels.Isolation;

/// <summary>One kernel call handed to a <see cref="KernelThread"/>: it runs the kernel and keeps the value or the exception for the worker to read.</summary>
internal interface IKernelCall
{
    /// <summary>Runs the kernel; never throws.</summary>
    void Invoke();
}
