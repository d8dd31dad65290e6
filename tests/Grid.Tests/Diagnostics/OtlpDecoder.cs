namespace Grid.Tests.Diagnostics;

/// <summary>Decodes OTLP/protobuf export requests with the field numbers of opentelemetry-proto (collector/trace/v1, collector/metrics/v1).</summary>
internal static class OtlpDecoder
{
    /// <summary>Decodes an ExportTraceServiceRequest into its spans.</summary>
    public static List<ReceivedSpan> DecodeTraces(ReadOnlyMemory<byte> body)
    {
        var spans = new List<ReceivedSpan>();
        var request = new ProtoReader(body);
        while (request.Next())
        {
            if (request.Field == 1)
            {
                DecodeResourceSpans(request.ReadMessage(), spans);
            }
            else
            {
                request.Skip();
            }
        }

        return spans;
    }

    /// <summary>Decodes an ExportMetricsServiceRequest into the data points of its gauges, sums and histograms.</summary>
    /// <remarks>Other kinds of metric (exponential histograms, summaries), which Grid does not make, are skipped.</remarks>
    public static List<ReceivedMetricPoint> DecodeMetrics(ReadOnlyMemory<byte> body)
    {
        var points = new List<ReceivedMetricPoint>();
        foreach (var resourceMetrics in Messages(new ProtoReader(body), 1))
        {
            // ResourceMetrics: resource = 1, scope_metrics = 2; the resource may follow the scopes on the wire.
            IReadOnlyDictionary<string, object?> resource = new Dictionary<string, object?>();
            var scopes = new List<ProtoReader>();
            while (resourceMetrics.Next())
            {
                switch (resourceMetrics.Field)
                {
                    case 1:
                        resource = DecodeAttributesOf(resourceMetrics.ReadMessage(), attributesField: 1);
                        break;
                    case 2:
                        scopes.Add(resourceMetrics.ReadMessage());
                        break;
                    default:
                        resourceMetrics.Skip();
                        break;
                }
            }

            // ScopeMetrics: metrics = 2.
            foreach (var metric in scopes.SelectMany(scope => Messages(scope, 2)))
            {
                DecodeMetric(metric, resource, points);
            }
        }

        return points;
    }

    private static void DecodeMetric(ProtoReader metric, IReadOnlyDictionary<string, object?> resource, List<ReceivedMetricPoint> points)
    {
        // Metric: name = 1, gauge = 5, sum = 7, histogram = 9; the name may follow the data on the wire.
        var name = string.Empty;
        var data = new List<(string Kind, ProtoReader Reader)>();
        while (metric.Next())
        {
            switch (metric.Field)
            {
                case 1:
                    name = metric.ReadString();
                    break;
                case 5:
                    data.Add((ReceivedMetricPoint.Gauge, metric.ReadMessage()));
                    break;
                case 7:
                    data.Add((ReceivedMetricPoint.Sum, metric.ReadMessage()));
                    break;
                case 9:
                    data.Add((ReceivedMetricPoint.Histogram, metric.ReadMessage()));
                    break;
                default:
                    metric.Skip();
                    break;
            }
        }

        foreach (var (kind, reader) in data)
        {
            // Gauge, Sum and Histogram: data_points = 1, aggregation_temporality = 2 (none on a gauge).
            var temporality = 0;
            var raw = new List<ProtoReader>();
            while (reader.Next())
            {
                if (reader.Field == 1)
                {
                    raw.Add(reader.ReadMessage());
                }
                else if (reader.Field == 2 && kind != ReceivedMetricPoint.Gauge)
                {
                    temporality = checked((int)reader.ReadVarint());
                }
                else
                {
                    reader.Skip();
                }
            }

            points.AddRange(raw.Select(point => kind == ReceivedMetricPoint.Histogram
                ? DecodeHistogramPoint(point, name, temporality, resource)
                : DecodeNumberPoint(point, name, kind, temporality, resource)));
        }
    }

    private static ReceivedMetricPoint DecodeNumberPoint(ProtoReader reader, string name, string kind, int temporality, IReadOnlyDictionary<string, object?> resource)
    {
        // NumberDataPoint: as_double = 4 (double), as_int = 6 (sfixed64), attributes = 7.
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double value = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 4:
                    value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64());
                    break;
                case 6:
                    value = unchecked((long)reader.ReadFixed64());
                    break;
                case 7:
                    AddKeyValue(reader.ReadMessage(), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ReceivedMetricPoint(name, kind, temporality, attributes, value, 0, resource);
    }

    private static ReceivedMetricPoint DecodeHistogramPoint(ProtoReader reader, string name, int temporality, IReadOnlyDictionary<string, object?> resource)
    {
        // HistogramDataPoint: count = 4 (fixed64), sum = 5 (double), attributes = 9.
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double sum = 0;
        ulong count = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 4:
                    count = reader.ReadFixed64();
                    break;
                case 5:
                    sum = BitConverter.UInt64BitsToDouble(reader.ReadFixed64());
                    break;
                case 9:
                    AddKeyValue(reader.ReadMessage(), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ReceivedMetricPoint(name, ReceivedMetricPoint.Histogram, temporality, attributes, sum, count, resource);
    }

    private static IEnumerable<ProtoReader> Messages(ProtoReader reader, int field)
    {
        while (reader.Next())
        {
            if (reader.Field == field)
            {
                yield return reader.ReadMessage();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void DecodeResourceSpans(ProtoReader reader, List<ReceivedSpan> spans)
    {
        IReadOnlyDictionary<string, object?> resource = new Dictionary<string, object?>();
        var scopes = new List<ProtoReader>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    resource = DecodeAttributesOf(reader.ReadMessage(), attributesField: 1);
                    break;
                case 2:
                    scopes.Add(reader.ReadMessage());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // The resource may follow the scopes on the wire, so the spans are decoded once it is known.
        foreach (var scope in scopes)
        {
            DecodeScopeSpans(scope, resource, spans);
        }
    }

    private static void DecodeScopeSpans(ProtoReader reader, IReadOnlyDictionary<string, object?> resource, List<ReceivedSpan> spans)
    {
        var scopeName = string.Empty;
        var raw = new List<ProtoReader>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    scopeName = DecodeScopeName(reader.ReadMessage());
                    break;
                case 2:
                    raw.Add(reader.ReadMessage());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        spans.AddRange(raw.Select(span => DecodeSpan(span, scopeName, resource)));
    }

    private static string DecodeScopeName(ProtoReader reader)
    {
        var name = string.Empty;
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                name = reader.ReadString();
            }
            else
            {
                reader.Skip();
            }
        }

        return name;
    }

    private static ReceivedSpan DecodeSpan(ProtoReader reader, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        string traceId = string.Empty, spanId = string.Empty, parentSpanId = string.Empty, name = string.Empty, statusMessage = string.Empty;
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var events = new List<ReceivedEvent>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    traceId = Convert.ToHexStringLower(reader.ReadBytes().Span);
                    break;
                case 2:
                    spanId = Convert.ToHexStringLower(reader.ReadBytes().Span);
                    break;
                case 4:
                    parentSpanId = Convert.ToHexStringLower(reader.ReadBytes().Span);
                    break;
                case 5:
                    name = reader.ReadString();
                    break;
                case 6:
                    kind = checked((int)reader.ReadVarint());
                    break;
                case 7:
                    start = reader.ReadFixed64();
                    break;
                case 8:
                    end = reader.ReadFixed64();
                    break;
                case 9:
                    AddKeyValue(reader.ReadMessage(), attributes);
                    break;
                case 11:
                    events.Add(DecodeEvent(reader.ReadMessage()));
                    break;
                case 15:
                    (statusMessage, statusCode) = DecodeStatus(reader.ReadMessage());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ReceivedSpan(traceId, spanId, parentSpanId, name, kind, start, end, attributes, events, statusCode, statusMessage, scope, resource);
    }

    private static ReceivedEvent DecodeEvent(ProtoReader reader)
    {
        // Event: time_unix_nano = 1, name = 2, attributes = 3.
        var name = string.Empty;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    name = reader.ReadString();
                    break;
                case 3:
                    AddKeyValue(reader.ReadMessage(), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ReceivedEvent(name, attributes);
    }

    private static (string Message, int Code) DecodeStatus(ProtoReader reader)
    {
        var message = string.Empty;
        var code = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    message = reader.ReadString();
                    break;
                case 3:
                    code = checked((int)reader.ReadVarint());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (message, code);
    }

    private static Dictionary<string, object?> DecodeAttributesOf(ProtoReader reader, int attributesField)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            if (reader.Field == attributesField)
            {
                AddKeyValue(reader.ReadMessage(), attributes);
            }
            else
            {
                reader.Skip();
            }
        }

        return attributes;
    }

    private static void AddKeyValue(ProtoReader reader, Dictionary<string, object?> attributes)
    {
        var key = string.Empty;
        object? value = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    key = reader.ReadString();
                    break;
                case 2:
                    value = DecodeAnyValue(reader.ReadMessage());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        attributes[key] = value;
    }

    private static object? DecodeAnyValue(ProtoReader reader)
    {
        object? value = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    value = reader.ReadString();
                    break;
                case 2:
                    value = reader.ReadVarint() != 0;
                    break;
                case 3:
                    value = unchecked((long)reader.ReadVarint());
                    break;
                case 4:
                    value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64());
                    break;
                default:
                    // Arrays, key-value lists and bytes: Grid puts none on its spans, so they are kept as raw bytes.
                    value = reader.WireType == 2 ? reader.ReadBytes().ToArray() : null;
                    if (reader.WireType != 2)
                    {
                        reader.Skip();
                    }

                    break;
            }
        }

        return value;
    }
}
