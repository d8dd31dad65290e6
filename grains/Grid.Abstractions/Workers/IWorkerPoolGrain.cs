
namespace Grid.Workers;

/// <summary>The worker pool of one silo, keyed by that silo's address: it pulls chunks of running jobs as its workers free up.</summary>
/// <remarks>Its key is the silo address in Orleans' parsable form; the grain is placed on that silo, never elsewhere.</remarks>
public interface IWorkerPoolGrain : IGrainWithStringKey
{
    /// <summary>Tells the pool that a job has chunks to hand out; returns at once, and the pool takes them when it has free workers.</summary>
    /// <remarks>Not one-way, so that a job learns when the offer could not be placed (a silo that has just joined, whose grains the job's silo does not know yet) and offers again.</remarks>
    Task OfferAsync(Guid jobId);

    /// <summary>Tells the pool that a job (or a submitted item, by its chunk's job id) has stopped: its running kernels see their token and it takes no more of its chunks.</summary>
    [OneWay]
    Task CancelJobAsync(Guid jobId, string reason);

    /// <summary>Gets the silo's workers, busy workers and load.</summary>
    Task<Cluster.SiloStatus> GetStatusAsync();
}
