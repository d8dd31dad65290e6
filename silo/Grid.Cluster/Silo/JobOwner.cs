using System.Collections.Concurrent;
using Grid.Cluster.Transport;
using Grid.Cluster.Wire;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Silo;

/// <summary>Takes jobs from the cluster's job queue and runs each on a local job grain for its remote client, until the job ends, its client goes, or this silo loses it.</summary>
/// <remarks>
/// A job's message stays unacknowledged while this silo owns the job. If the silo dies or loses the broker, the message returns to the
/// queue and another silo claims the job anew; the client then sends again the input that has no result yet.
/// </remarks>
internal sealed partial class JobOwner(KernelRegistry kernels, IGrainFactory grainFactory, IOptions<JobOptions> jobOptions, TimeProvider time, ILogger<JobOwner> logger)
{
    private readonly ConcurrentDictionary<Guid, OwnedJob> _jobs = new();

    public int Count => _jobs.Count;

    /// <summary>Claims a job from the job queue, or refuses it to its client when its kernel or types do not fit.</summary>
    public async Task ClaimAsync(ClusterMember member, Delivery delivery)
    {
        if (delivery.Kind != MessageKinds.JobStart)
        {
            throw new WireFormatException($"The job queue holds only '{MessageKinds.JobStart}' messages; got '{delivery.Kind}'.");
        }

        var start = WireMessage.Decode(delivery.Body, delivery.Kind, JobStartMessage.Read);
        if (_jobs.ContainsKey(start.JobId))
        {
            // The same job twice at once would be a client's mistake; the job already running here answers for it.
            await delivery.AckAsync().ConfigureAwait(false);
            return;
        }

        KernelInfo info;
        FetchJobSettings? fetch = null;
        try
        {
            if (FetchJobs.IsFetchJob(start.Kernel))
            {
                // The I/O grain's jobs take URLs or file paths and give fetch results; their settings travel as JSON.
                info = new KernelInfo(start.Kernel, typeof(string), typeof(FetchResult));
                fetch = start.Settings.Length == 0
                    ? throw new GridException($"A '{start.Kernel}' job needs its settings, and none came with it.")
                    : (FetchJobSettings?)ItemCodec.DecodeValue(start.Settings, typeof(FetchJobSettings));
            }
            else
            {
                info = kernels.Get(start.Kernel).Info;
            }

            if (!TypeNames.InputFits(start.InputType, info.InputType) || !TypeNames.OutputFits(info.OutputType, start.OutputType))
            {
                throw new GridException(
                    $"Kernel '{info.Name}' takes {TypeNames.Of(info.InputType)} and returns {TypeNames.Of(info.OutputType)}, "
                    + $"but the call sends {start.InputType} and expects {start.OutputType}.");
            }
        }
        catch (GridException exception)
        {
            LogRefused(logger, start.JobId, exception.Message);
            await member.Broker.PublishAsync(string.Empty, start.ClientInbox, new JobClaimedMessage(start.JobId, Guid.Empty, member.Inbox, member.Name, exception.Message)).ConfigureAwait(false);
            await delivery.AckAsync().ConfigureAwait(false);
            return;
        }

        var job = new OwnedJob(this, member, delivery, start, info, fetch, grainFactory, jobOptions.Value, time, logger);
        _jobs[start.JobId] = job;
        LogClaimed(logger, start.JobId, start.Kernel, delivery.Redelivered);
        _ = job.RunAsync();
    }

    /// <summary>Hands a client's message about one of this silo's jobs to that job; messages for an older claim are dropped.</summary>
    public void Handle(ClusterMember member, Delivery delivery)
    {
        switch (delivery.Kind)
        {
            case MessageKinds.Push:
                var push = WireMessage.Decode(delivery.Body, delivery.Kind, PushMessage.Read);
                Find(push.JobId, push.Claim)?.Push(push);
                break;
            case MessageKinds.CompleteInputs:
                var complete = WireMessage.Decode(delivery.Body, delivery.Kind, CompleteInputsMessage.Read);
                Find(complete.JobId, complete.Claim)?.CompleteInputs(complete);
                break;
            case MessageKinds.Consumed:
            case MessageKinds.JobEndedAck:
                var signal = WireMessage.Decode(delivery.Body, delivery.Kind, JobSignalMessage.Reader(delivery.Kind));
                Find(signal.JobId, signal.Claim)?.Signal(signal);
                break;
            case MessageKinds.Reclaim:
                // The client lost its connection, and with it results in flight: the job goes back to the queue and starts over from what the client lacks.
                var reclaim = WireMessage.Decode(delivery.Body, delivery.Kind, JobSignalMessage.Reader(delivery.Kind));
                if (Find(reclaim.JobId, reclaim.Claim) is { } job)
                {
                    _ = HandBackAsync(job);
                }

                break;
            default:
                throw new WireFormatException($"A silo's inbox does not take '{delivery.Kind}' messages.");
        }
    }

    public void Cancel(Guid jobId, string reason)
    {
        if (_jobs.TryGetValue(jobId, out var job))
        {
            job.Cancel(reason);
        }
    }

    /// <summary>Stops the jobs whose clients left the member view: their results would reach nobody.</summary>
    public async Task SweepAsync(ClusterMember member, TimeSpan memberTimeout)
    {
        foreach (var (_, job) in _jobs)
        {
            if (job.Age > memberTimeout && !member.View.IsLive(job.ClientId))
            {
                await job.AbandonAsync("The job's client stopped sending heartbeats.").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Drops every job without a word to its client: the connection they were claimed on is gone, so the broker gives them to a silo again.</summary>
    public void DropAll()
    {
        foreach (var (_, job) in _jobs)
        {
            job.Drop();
        }

        _jobs.Clear();
    }

    /// <summary>Hands every job back to the job queue for another silo, as this silo shuts down.</summary>
    public async Task HandBackAllAsync()
    {
        foreach (var (_, job) in _jobs)
        {
            await HandBackAsync(job).ConfigureAwait(false);
        }
    }

    private async Task HandBackAsync(OwnedJob job)
    {
        Forget(job);
        job.Drop();
        await job.Delivery.RejectAsync(requeue: true).ConfigureAwait(false);
    }

    internal void Forget(OwnedJob job) => _jobs.TryRemove(new KeyValuePair<Guid, OwnedJob>(job.JobId, job));

    private OwnedJob? Find(Guid jobId, Guid claim) => _jobs.TryGetValue(jobId, out var job) && job.Claim == claim ? job : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed job {JobId} ({Kernel}); taken over from another silo: {Redelivered}")]
    private static partial void LogClaimed(ILogger logger, Guid jobId, string kernel, bool redelivered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused job {JobId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid jobId, string reason);
}
