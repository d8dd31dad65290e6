using Grid.Jobs;

namespace Grid.Client;

/// <summary>Counts a job's results as they arrive and reports <see cref="JobProgress"/> at most once per interval, plus once at the end.</summary>
internal sealed class ProgressTracker(IProgress<JobProgress>? progress, TimeSpan interval, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _lastReport = long.MinValue;
    private long _succeeded;
    private long _failed;
    private long _timedOut;
    private long _cancelled;

    public void Record(ChunkResult result, long read, long? total)
    {
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        _succeeded += ok;
        _failed += failed;
        _timedOut += timedOut;
        _cancelled += cancelled;
        if (progress is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        if (_lastReport == long.MinValue || time.GetElapsedTime(_lastReport, now) >= interval)
        {
            _lastReport = now;
            progress.Report(Snapshot(read, total));
        }
    }

    public void Finish(long read) => progress?.Report(Snapshot(read, read));

    private JobProgress Snapshot(long read, long? total)
        => new(read, _succeeded, _failed, _timedOut, _cancelled, total, time.GetElapsedTime(_started));
}
