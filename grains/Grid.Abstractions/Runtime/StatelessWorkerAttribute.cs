namespace Grid;

/// <summary>Marks a grain class as a stateless worker: the silo keeps a pool of activations per grain id and sends each call to a free one.</summary>
/// <param name="maxLocalWorkers">The most activations per silo; 0 means the silo's <c>MaxLocalWorkers</c> setting.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : Attribute
{
    /// <summary>Gets the most activations per silo.</summary>
    /// <value>The default value is 0: the silo's <c>MaxLocalWorkers</c>, itself the core count by default.</value>
    public int MaxLocalWorkers { get; } = maxLocalWorkers >= 0
        ? maxLocalWorkers
        : throw new ArgumentOutOfRangeException(nameof(maxLocalWorkers), maxLocalWorkers, "MaxLocalWorkers must be 0 (silo default) or positive.");
}
