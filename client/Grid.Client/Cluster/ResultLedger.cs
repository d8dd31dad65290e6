namespace Grid.Client.Cluster;

/// <summary>Remembers which input items of a cluster job already have a result, so that each reaches the caller exactly once even when the job is started again after its silo died.</summary>
/// <remarks>Everything below <see cref="Floor"/> has a result; above it, finished items are kept one by one until the gap below them closes.</remarks>
internal sealed class ResultLedger
{
    private readonly HashSet<long> _above = [];

    /// <summary>Gets the first item without a result.</summary>
    public long Floor { get; private set; }

    /// <summary>Gets the items with a result.</summary>
    public long Count { get; private set; }

    /// <summary>Marks the items <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 as finished and returns the runs of them that were new, as offsets into that range.</summary>
    public List<(int Offset, int Length)> Add(long start, int count)
    {
        var runs = new List<(int, int)>();
        if (start == Floor && _above.Count == 0)
        {
            // The common case: the next items in order, nothing finished above them.
            Floor += count;
            Count += count;
            runs.Add((0, count));
            return runs;
        }

        var runStart = -1;
        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            var isNew = index >= Floor && _above.Add(index);
            if (isNew)
            {
                Count++;
                if (runStart < 0)
                {
                    runStart = i;
                }
            }
            else if (runStart >= 0)
            {
                runs.Add((runStart, i - runStart));
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            runs.Add((runStart, count - runStart));
        }

        while (_above.Remove(Floor))
        {
            Floor++;
        }

        return runs;
    }

    /// <summary>Gets the runs of items from <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 that have no result yet, as offsets into that range.</summary>
    public List<(int Offset, int Length)> Missing(long start, int count)
    {
        var runs = new List<(int, int)>();
        var runStart = -1;
        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            var missing = index >= Floor && !_above.Contains(index);
            if (missing && runStart < 0)
            {
                runStart = i;
            }
            else if (!missing && runStart >= 0)
            {
                runs.Add((runStart, i - runStart));
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            runs.Add((runStart, count - runStart));
        }

        return runs;
    }
}
