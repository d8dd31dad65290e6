namespace Grid.Tests.Diagnostics;

/// <summary>A span as an OTLP receiver decoded it from the wire: ids in lower-case hex, the parent empty for a root.</summary>
internal sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<ReceivedEvent> Events,
    int StatusCode,
    string StatusMessage,
    string Scope,
    IReadOnlyDictionary<string, object?> Resource)
{
    /// <summary>OTLP's SPAN_KIND_SERVER.</summary>
    public const int KindServer = 2;

    /// <summary>OTLP's SPAN_KIND_CLIENT.</summary>
    public const int KindClient = 3;

    /// <summary>OTLP's STATUS_CODE_ERROR.</summary>
    public const int StatusError = 2;

    public bool IsRoot => ParentSpanId.Length == 0;

    public object? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() => $"{Name} [{SpanId} <- {(IsRoot ? "root" : ParentSpanId)}]";
}
