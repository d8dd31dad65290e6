using System.Diagnostics;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.Isolation;
using Microsoft.Extensions.Logging;

namespace Grid.Workers;

/// <summary>A stateless worker on its own silo thread: runs a named kernel over a chunk and reports each item's value or error.</summary>
/// <remarks>
/// Each activation keeps, made on first use, a kernel thread for items under a hard time limit (which it can walk away from) and
/// one worker process for kernels marked <see cref="KernelIsolation.Process"/>, so the silo has at most one worker process per worker.
/// </remarks>
[StatelessWorker]
[CpuBound]
internal sealed class WorkerGrain(
    KernelRegistry kernels,
    IGrainRuntime runtime,
    TimeProvider timeProvider,
    KernelProcesses processes,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    // A kernel span names at most this many failed items; the rest are counted in its tags.
    private const int MaxErrorEvents = 10;
    private KernelWorker? _worker;

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        _worker?.Dispose();
        _worker = null;
        return Task.CompletedTask;
    }

    public Task<ChunkResult> RunChunkAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var runner = kernels.Get(chunk.Kernel);
        using var activity = GridDiagnostics.Kernels.HasListeners()
            ? GridDiagnostics.Kernels.StartActivity($"grid.kernel {chunk.Kernel}", ActivityKind.Internal)
            : null;
        var kernel = new KeyValuePair<string, object?>(GridTags.Kernel, chunk.Kernel);
        GridDiagnostics.ItemsStarted.Add(chunk.Count, kernel);
        _worker ??= new KernelWorker(ActivationName, timeProvider, processes, logger);
        var result = runner.Run(chunk, _worker, cancellationToken);
        Measure(result, kernel);
        if (activity is not null)
        {
            Describe(activity, chunk, result);
        }

        return Task.FromResult(result);
    }

    private static void Measure(ChunkResult result, KeyValuePair<string, object?> kernel)
    {
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        Count(ok, ItemStatus.Ok, kernel);
        Count(failed, ItemStatus.Failed, kernel);
        Count(timedOut, ItemStatus.TimedOut, kernel);
        Count(cancelled, ItemStatus.Cancelled, kernel);
    }

    private static void Count(int items, ItemStatus status, KeyValuePair<string, object?> kernel)
    {
        if (items == 0)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>(GridTags.ItemStatus, GridDiagnostics.StatusTag(status));
        GridDiagnostics.ItemsCompleted.Add(items, kernel, tag);
        if (status != ItemStatus.Ok)
        {
            GridDiagnostics.ItemsFailed.Add(items, kernel, tag);
        }
    }

    private void Describe(Activity activity, Chunk chunk, ChunkResult result)
    {
        var (ok, _, _, _) = result.CountByStatus();
        activity.SetTag(GridTags.Kernel, chunk.Kernel);
        activity.SetTag(GridTags.JobId, chunk.JobId.ToString());
        activity.SetTag(GridTags.ChunkId, chunk.ChunkId);
        activity.SetTag(GridTags.Silo, runtime.SiloName);
        activity.SetTag(GridTags.Worker, ActivationName);
        activity.SetTag(GridTags.Items, result.Count);
        activity.SetTag(GridTags.Failures, result.Count - ok);
        if (result.Errors is not { } errors || ok == result.Count)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, $"{result.Count - ok} of {result.Count} items did not succeed");
        var described = 0;
        for (var i = 0; i < errors.Length && described < MaxErrorEvents; i++)
        {
            if (errors[i] is { } error)
            {
                described++;
                activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
                {
                    ["exception.type"] = error.Type,
                    ["exception.message"] = error.Message,
                    [GridTags.ItemStatus] = GridDiagnostics.StatusTag(error.Status),
                    ["grid.item.index"] = result.StartIndex + i,
                }));
            }
        }
    }
}
