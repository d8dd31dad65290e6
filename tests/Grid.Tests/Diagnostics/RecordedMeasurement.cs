namespace Grid.Tests.Diagnostics;

/// <summary>One measurement an in-process meter listener saw.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
