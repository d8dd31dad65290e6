namespace Grid.Hosting;

/// <summary>The other silos of this silo's cluster, as Orleans membership lists them and their worker pools last described them; registered only when the silo is in a cluster.</summary>
public interface IClusterDirectory
{
    /// <summary>Gets the live silos of the cluster other than this one.</summary>
    IReadOnlyList<SiloSnapshot> GetPeers();
}
