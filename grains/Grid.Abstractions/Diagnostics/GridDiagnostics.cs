using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Grid.Diagnostics;

/// <summary>The activity sources and instruments Grid's own code records to; they cost a flag check when nobody listens.</summary>
internal static class GridDiagnostics
{
    private static readonly string Version = typeof(GridDiagnostics).Assembly.GetName().Version?.ToString() ?? "0";

    public static readonly ActivitySource Jobs = new(GridTelemetry.JobsSourceName, Version);

    public static readonly ActivitySource Kernels = new(GridTelemetry.KernelsSourceName, Version);

    public static readonly ActivitySource Client = new(GridTelemetry.ClientSourceName, Version);

    public static readonly ActivitySource Fetch = new(GridTelemetry.FetchSourceName, Version);

    public static readonly Meter Meter = new(GridTelemetry.MeterName, Version);

    public static readonly Counter<long> ItemsStarted = Meter.CreateCounter<long>(GridInstruments.ItemsStarted, "{item}", "Items handed to kernels.");

    public static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>(GridInstruments.ItemsCompleted, "{item}", "Items with a result of any kind.");

    public static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>(GridInstruments.ItemsFailed, "{item}", "Items that did not succeed.");

    public static readonly Histogram<double> ChunkDuration = Meter.CreateHistogram<double>(GridInstruments.ChunkDuration, "s", "Time a worker spent on one chunk.");

    public static readonly Histogram<double> ChunkQueueWait = Meter.CreateHistogram<double>(GridInstruments.ChunkQueueWait, "s", "Time a chunk waited for a worker.");

    public static readonly Counter<long> FetchOutcomes = Meter.CreateCounter<long>(GridInstruments.FetchOutcomes, "{request}", "Requests of fetch and upload jobs by how they ended.");

    public static readonly Counter<long> ExportFailures = Meter.CreateCounter<long>(GridInstruments.ExportFailures, "{item}", "Spans or metric points an exporter failed to send.");

    /// <summary>Gets the tag value of an item status.</summary>
    public static string StatusTag(Grid.Jobs.ItemStatus status) => status switch
    {
        Grid.Jobs.ItemStatus.Ok => "ok",
        Grid.Jobs.ItemStatus.Failed => "failed",
        Grid.Jobs.ItemStatus.TimedOut => "timed_out",
        _ => "cancelled",
    };

    /// <summary>Stops <paramref name="activity"/> without disturbing <see cref="Activity.Current"/> when the activity is not the current one (a job's span outlives many turns).</summary>
    public static void StopDetached(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        var current = Activity.Current;
        activity.Stop();
        Activity.Current = ReferenceEquals(current, activity) ? activity.Parent : current;
    }

    /// <summary>Starts an activity that is not made current: for spans that outlive the code that starts them.</summary>
    public static Activity? StartDetached(ActivitySource source, string name, ActivityKind kind, ActivityContext parent)
    {
        if (!source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        var activity = source.StartActivity(name, kind, parent);
        Activity.Current = current;
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> as failed with the exception's type and message.</summary>
    public static void SetError(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = exception.GetType().FullName,
            ["exception.message"] = exception.Message,
        }));
    }
}
