namespace Grid.Monitoring;

/// <summary>Items and failures counted per second over the last <see cref="JobMonitor.ThroughputSeconds"/> seconds, in a ring that reuses its buckets; callers hold their own lock.</summary>
internal sealed class PerSecondCounts
{
    private readonly (long Second, long Items, long Failed)[] _buckets = new (long, long, long)[JobMonitor.ThroughputSeconds];

    /// <summary>Adds <paramref name="items"/>, <paramref name="failed"/> of them not ok, to the second <paramref name="now"/> falls in.</summary>
    public void Add(DateTimeOffset now, long items, long failed)
    {
        var second = now.ToUnixTimeSeconds();
        ref var bucket = ref _buckets[Bucket(second)];
        bucket = bucket.Second == second ? (second, bucket.Items + items, bucket.Failed + failed) : (second, items, failed);
    }

    /// <summary>Gets one point per second for the <paramref name="seconds"/> seconds up to the one <paramref name="now"/> falls in, oldest first; seconds with nothing counted are zero.</summary>
    public ThroughputPoint[] Get(DateTimeOffset now, int seconds)
    {
        var last = now.ToUnixTimeSeconds();
        var points = new ThroughputPoint[seconds];
        for (var i = 0; i < seconds; i++)
        {
            var second = last - seconds + 1 + i;
            var bucket = _buckets[Bucket(second)];
            points[i] = bucket.Second == second
                ? new ThroughputPoint(DateTimeOffset.FromUnixTimeSeconds(second), bucket.Items, bucket.Failed)
                : new ThroughputPoint(DateTimeOffset.FromUnixTimeSeconds(second), 0, 0);
        }

        return points;
    }

    private static int Bucket(long second) => (int)(((second % JobMonitor.ThroughputSeconds) + JobMonitor.ThroughputSeconds) % JobMonitor.ThroughputSeconds);
}
