
namespace Grid.Workers;

/// <summary>Names the worker pool grain of a silo: its key is the silo's address in Orleans' parsable form.</summary>
public static class WorkerPools
{
    /// <summary>The name of the grain directory the pool grains are registered in.</summary>
    public const string DirectoryName = "grid-worker-pools";

    /// <summary>Returns the key of the pool grain of <paramref name="silo"/>.</summary>
    public static string KeyOf(SiloAddress silo) => silo.ToParsableString();

    /// <summary>Returns the silo a pool grain key names, or <see langword="null"/> when it names none.</summary>
    public static SiloAddress? SiloOf(string key)
    {
        try
        {
            return SiloAddress.FromParsableString(key);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Returns the pool grain of <paramref name="silo"/>.</summary>
    public static IWorkerPoolGrain Of(IGrainFactory grains, SiloAddress silo) => grains.GetGrain<IWorkerPoolGrain>(KeyOf(silo));
}
