namespace Grid.Tests.Diagnostics;

/// <summary>One data point of a metric as an OTLP receiver decoded it from the wire: a sum's or a gauge's value, or a histogram's count
/// and sum, with the point's attributes and its exporter's resource.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Kind">What the metric is: <see cref="Gauge"/>, <see cref="Sum"/> or <see cref="Histogram"/>.</param>
/// <param name="Temporality">The OTLP aggregation temporality of a sum or histogram (<see cref="Cumulative"/> or 1 for delta); 0 for a gauge.</param>
/// <param name="Attributes">The point's attributes.</param>
/// <param name="Value">A sum's or gauge's value; a histogram's sum of recorded values.</param>
/// <param name="Count">A histogram's number of recorded values; 0 for a sum or gauge.</param>
/// <param name="Resource">The attributes of the resource that exported the point.</param>
internal sealed record ReceivedMetricPoint(
    string Name,
    string Kind,
    int Temporality,
    IReadOnlyDictionary<string, object?> Attributes,
    double Value,
    ulong Count,
    IReadOnlyDictionary<string, object?> Resource)
{
    public const string Gauge = "gauge";

    public const string Sum = "sum";

    public const string Histogram = "histogram";

    /// <summary>OTLP's AGGREGATION_TEMPORALITY_CUMULATIVE: each point holds everything recorded since the exporter started.</summary>
    public const int Cumulative = 2;

    /// <summary>Gets whether the point carries every one of <paramref name="attributes"/>.</summary>
    public bool Has(params KeyValuePair<string, object?>[] attributes)
        => attributes.All(a => Attributes.TryGetValue(a.Key, out var value) && Equals(value, a.Value));

    public override string ToString() => $"{Name} {{{string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}}} = {Value}{(Kind == Histogram ? $" ({Count} values)" : string.Empty)}";
}
