namespace Grid.Tests.Cli;

/// <summary>A clock for code that times spans by reading it twice, at the start and at the end: each span lasts as scripted.</summary>
/// <remarks>The first reading of a pair returns the time so far, the second that time plus the next scripted span. Reading more
/// spans than scripted throws, so code that times more than the test expects fails loudly.</remarks>
internal sealed class ScriptedClock(params TimeSpan[] spans) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly Queue<TimeSpan> _spans = new(spans);
    private long _now;
    private bool _inSpan;

    /// <summary>Gets how many scripted spans have not been timed.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                return _spans.Count;
            }
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            if (_inSpan)
            {
                _now += (_spans.TryDequeue(out var span) ? span : throw new InvalidOperationException("the clock was read for more spans than scripted")).Ticks;
            }

            _inSpan = !_inSpan;
            return _now;
        }
    }
}
