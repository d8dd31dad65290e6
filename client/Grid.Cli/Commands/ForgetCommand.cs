using System.CommandLine;
using Grid.Cli.Output;

namespace Grid.Cli.Commands;

/// <summary><c>grid forget</c>: deletes a finished detached job with its inputs and results.</summary>
internal static class ForgetCommand
{
    private const string Name = "forget";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global) => StoredJobs.JobCommand(
        context,
        global,
        Name,
        $"Delete a detached job that has ended from the cluster's job store (--cluster or {GlobalOptions.ClusterVariable}), with its inputs and results, "
        + "now rather than after the silos' retention (Grid:Jobs:Retention). A job that has not ended is refused: cancel it first.",
        async (client, jobId, settings, cancellationToken) =>
        {
            await client.ForgetJobAsync(jobId, cancellationToken);
            if (settings.Json)
            {
                JsonLines.Write(context.Out, writer =>
                {
                    writer.WriteString("type", "forgotten");
                    writer.WriteString("jobId", jobId);
                });
            }
            else
            {
                context.Out.WriteLine($"job {jobId}: deleted, with its inputs and results");
            }
        });
}
