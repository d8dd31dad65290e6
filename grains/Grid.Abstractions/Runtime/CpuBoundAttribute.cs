namespace Grid;

/// <summary>Marks a grain class whose activations each run on a dedicated silo thread, so long CPU work never starves the thread pool that carries every other grain's turns.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CpuBoundAttribute : Attribute;
