namespace Grid.Tests.Diagnostics;

/// <summary>A span event as an OTLP receiver decoded it.</summary>
internal sealed record ReceivedEvent(string Name, IReadOnlyDictionary<string, object?> Attributes);
