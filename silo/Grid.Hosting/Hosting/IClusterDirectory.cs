namespace Grid.Hosting;

/// <summary>The other silos of this silo's cluster, as their latest heartbeats describe them; registered only when the silo is in a cluster.</summary>
public interface IClusterDirectory
{
    /// <summary>Gets the live silos of the cluster other than this one.</summary>
    IReadOnlyList<SiloSnapshot> GetPeers();
}
