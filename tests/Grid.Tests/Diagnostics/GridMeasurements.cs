using System.Diagnostics.Metrics;
using Grid.Diagnostics;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Diagnostics;

/// <summary>Listens in-process to chosen instruments of the Grid meter and keeps every measurement, for tests to sum and wait on.</summary>
internal sealed class GridMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<RecordedMeasurement> _recorded = [];
    private TaskCompletionSource _arrived = NewSignal();

    public GridMeasurements(params string[] instruments)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GridTelemetry.MeterName && instruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Gets the sum of the measurements of <paramref name="instrument"/> that carry every one of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params KeyValuePair<string, object?>[] tags) => Matching(instrument, tags).Sum(m => m.Value);

    /// <summary>Gets how many measurements of <paramref name="instrument"/> carry every one of <paramref name="tags"/>.</summary>
    public int Count(string instrument, params KeyValuePair<string, object?>[] tags) => Matching(instrument, tags).Count;

    /// <summary>Waits until <paramref name="condition"/> holds, checking it again after each measurement.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(TestLimits.Hang);
        while (true)
        {
            Task arrived;
            lock (_lock)
            {
                arrived = _arrived.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await arrived.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {TestLimits.Hang}.");
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private List<RecordedMeasurement> Matching(string instrument, KeyValuePair<string, object?>[] tags)
    {
        lock (_lock)
        {
            return [.. _recorded.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))];
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        TaskCompletionSource arrived;
        lock (_lock)
        {
            _recorded.Add(new RecordedMeasurement(instrument.Name, value, copy));
            arrived = _arrived;
            _arrived = NewSignal();
        }

        arrived.TrySetResult();
    }
}
