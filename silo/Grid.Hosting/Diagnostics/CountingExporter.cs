using System.Reflection;
using OpenTelemetry;

namespace Grid.Hosting.Diagnostics;

/// <summary>Passes batches to an exporter and counts what it fails to send, so an unreachable collector shows up as a number, not as silence.</summary>
/// <typeparam name="T">The telemetry item: an activity or a metric.</typeparam>
internal sealed class CountingExporter<T>(BaseExporter<T> inner, string signal, Action<string, long> onFailure) : BaseExporter<T>
    where T : class
{
    // The OTLP exporter reads the service's resource from its parent provider, which the SDK sets only on the exporter it
    // was given (this one); the setter is internal, so it is passed on once by reflection.
    private static readonly MethodInfo? SetParentProvider = typeof(BaseExporter<T>).GetProperty(nameof(ParentProvider))?.GetSetMethod(nonPublic: true);
    private bool _parentPassed;

    public override ExportResult Export(in Batch<T> batch)
    {
        if (!_parentPassed && ParentProvider is { } parent)
        {
            SetParentProvider?.Invoke(inner, [parent]);
            _parentPassed = true;
        }

        var result = inner.Export(batch);
        if (result != ExportResult.Success)
        {
            onFailure(signal, batch.Count);
        }

        return result;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => inner.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
