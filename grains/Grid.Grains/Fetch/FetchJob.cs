using System.Diagnostics;
using Grid.Jobs;
using Polly;

namespace Grid.Fetch;

/// <summary>What every request of one job shares: its settings, its retry pipeline, its kind, its folders, its span and how it was stopped.</summary>
/// <remarks>Read by requests on thread-pool threads while the grain owns the job; only <see cref="StopReason"/> changes, once, before the job's token fires.</remarks>
internal sealed class FetchJob(JobSpec spec, FetchJobSettings settings, string? saveFolder, string? uploadFolder, ActivityContext parent)
{
    private volatile StopInfo? _stop;
    private ResiliencePipeline<FetchResult>? _retries;

    public JobSpec Spec { get; } = spec;

    public FetchJobSettings Settings { get; } = settings;

    public bool IsUpload => Spec.Kernel == FetchJobs.Upload;

    public HttpMethod Method => !IsUpload ? HttpMethod.Get : Settings.UploadMethod == UploadMethod.Post ? HttpMethod.Post : HttpMethod.Put;

    /// <summary>Gets the full path of the folder bodies are saved into, for a job that saves them.</summary>
    public string? SaveFolder { get; } = saveFolder;

    /// <summary>Gets the full path of the folder files are uploaded from, for an upload job.</summary>
    public string? UploadFolder { get; } = uploadFolder;

    /// <summary>Gets the job's span, the parent of each request's span.</summary>
    public ActivityContext Parent { get; } = parent;

    /// <summary>Returns the job's retry pipeline, built on first use (two requests that build it at once build the same one).</summary>
    public ResiliencePipeline<FetchResult> Retries(TimeProvider time) => _retries ??= FetchRetries.For(this, time);

    /// <summary>Gets why the job stopped early, once it did.</summary>
    public StopInfo? StopReason => _stop;

    /// <summary>Records why the job stopped; call before signalling the job's token.</summary>
    public void Stopped(StopInfo reason) => _stop ??= reason;

    /// <summary>How the requests of a stopped job end.</summary>
    /// <param name="Status">The status of a request stopped in flight.</param>
    /// <param name="Reason">The <see cref="FetchReasons"/> code.</param>
    /// <param name="Message">What a person reads.</param>
    public sealed record StopInfo(ItemStatus Status, string Reason, string Message);
}
