using Grid.Jobs;

namespace Grid.Cluster.Silo;

/// <summary>Maps a job grain's dense item indices to the client's, for a job that was given runs of items with gaps between them.</summary>
/// <remarks>Each run the client sends becomes one segment; a job claimed once has one segment per batch, all without gaps.</remarks>
internal sealed class IndexMap
{
    private readonly Lock _gate = new();
    private readonly List<(long GrainStart, long ClientStart, int Length)> _segments = [];
    private long _next;

    /// <summary>Records a run of <paramref name="count"/> items starting at the client's index <paramref name="clientStart"/>; returns the grain index of its first item.</summary>
    public long Append(long clientStart, int count)
    {
        lock (_gate)
        {
            var start = _next;
            if (count > 0)
            {
                if (_segments.Count > 0 && _segments[^1] is var last && last.ClientStart + last.Length == clientStart && last.GrainStart + last.Length == start)
                {
                    _segments[^1] = (last.GrainStart, last.ClientStart, last.Length + count);
                }
                else
                {
                    _segments.Add((start, clientStart, count));
                }
            }

            _next += count;
            return start;
        }
    }

    /// <summary>Splits a chunk's results at the gaps in the client's indices; each part comes with the shift from grain to client indices.</summary>
    public List<(ChunkResult Result, long Shift)> ToClient(ChunkResult chunk)
    {
        var parts = new List<(ChunkResult, long)>();
        lock (_gate)
        {
            var offset = 0;
            var index = FindSegment(chunk.StartIndex);
            while (offset < chunk.Count && index < _segments.Count)
            {
                var (grainStart, clientStart, length) = _segments[index];
                var from = chunk.StartIndex + offset;
                var take = (int)Math.Min(chunk.Count - offset, grainStart + length - from);
                var part = offset == 0 && take == chunk.Count ? chunk : chunk.Slice(offset, take);
                parts.Add((part, clientStart - grainStart));
                offset += take;
                index++;
            }
        }

        return parts;
    }

    private int FindSegment(long grainIndex)
    {
        int low = 0, high = _segments.Count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_segments[mid].GrainStart <= grainIndex)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }
}
