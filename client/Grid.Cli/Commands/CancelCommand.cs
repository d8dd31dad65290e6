using System.CommandLine;
using Grid.Cli.Output;
using Grid.Stored;

namespace Grid.Cli.Commands;

/// <summary><c>grid cancel</c>: cancels a detached job and prints its state after the call.</summary>
internal static class CancelCommand
{
    private const string Name = "cancel";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global) => StoredJobs.JobCommand(
        context,
        global,
        Name,
        $"Cancel a detached job of the cluster (--cluster or {GlobalOptions.ClusterVariable}): a queued job ends at once; a running one drops its queued items "
        + "and its running kernels are signalled, and ends once its silo has stopped them. Prints the job's state after the call; a job that had ended is left as it was.",
        async (client, jobId, settings, cancellationToken) =>
        {
            var job = await client.CancelJobAsync(jobId, $"It was cancelled with grid cancel on {Environment.MachineName}.", cancellationToken);
            if (settings.Json)
            {
                JsonLines.Write(context.Out, writer => StoredJobs.Write(writer, job));
            }
            else
            {
                context.Out.WriteLine(Line(job));
            }
        });

    /// <summary>Gets the line that tells a job's state after <c>grid cancel</c>.</summary>
    internal static string Line(StoredJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.State switch
        {
            StoredJobState.Cancelled => $"job {job.JobId}: cancelled",
            _ when job.State.IsFinished() => $"job {job.JobId}: {StoredJobs.Name(job.State)}; it had ended, so it is left as it was",
            _ => $"job {job.JobId}: {StoredJobs.Name(job.State)}, cancelling: its silo drops its queued items and stops its running ones ('grid attach {job.JobId}' shows it end)",
        };
    }
}
