namespace Grid.Benchmarks;

/// <summary>The garbage collector's counters at one moment, to report what a measured phase cost in collections and allocations.</summary>
internal readonly record struct GcSnapshot(int Gen0, int Gen1, int Gen2, long AllocatedBytes)
{
    /// <summary>Reads the counters now.</summary>
    public static GcSnapshot Take() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false));
}
