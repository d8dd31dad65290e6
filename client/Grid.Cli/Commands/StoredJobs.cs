using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Grid.Cli.Output;
using Grid.Stored;

namespace Grid.Cli.Commands;

/// <summary>What the commands of detached jobs (<c>jobs</c>, <c>attach</c>, <c>cancel</c>, <c>forget</c>) share: the job id argument, the need of a cluster, and how a job is shown.</summary>
internal static class StoredJobs
{
    /// <summary>Makes the <c>ID</c> argument, which takes a job id (a GUID) and refuses anything else with one line.</summary>
    public static Argument<Guid> JobIdArgument() => new("ID")
    {
        Description = "The job's id, as --detach printed it and 'grid jobs' lists it.",
        CustomParser = Parse,
    };

    /// <summary>Throws a <see cref="UsageException"/> for <paramref name="command"/> unless the settings name a cluster: detached jobs live in its silos' job store.</summary>
    public static void RequireCluster(RunSettings settings, string command)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Cluster is null)
        {
            throw UsageException.For(
                command,
                $"detached jobs are kept by a cluster's silos in their job store; give the cluster with --cluster CONNECTION (or {GlobalOptions.ClusterVariable})");
        }
    }

    /// <summary>Makes a command that acts on one stored job by its id (<c>cancel</c>, <c>forget</c>): it needs a cluster, connects, checks the job exists, then runs <paramref name="act"/>.</summary>
    public static Command JobCommand(CliContext context, GlobalOptions global, string name, string description, Func<Client.GridClient, Guid, RunSettings, CancellationToken, Task> act)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(act);
        var id = JobIdArgument();
        var command = new Command(name, description) { id };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = global.Read(parseResult);
            RequireCluster(settings, name);
            var jobId = parseResult.GetValue(id);
            await using var client = await GridConnector.ConnectAsync(context, settings, cancellationToken);
            await RequireJobAsync(client, name, jobId, cancellationToken);
            await act(client, jobId, settings, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Makes the error of a job the store does not have: a mistake in the command line, so exit 2.</summary>
    public static UsageException NoSuchJob(string command, Guid jobId)
        => UsageException.For(command, $"there is no job {jobId} in the cluster's job store (it was never submitted, or was forgotten or deleted after its retention)");

    /// <summary>Throws <see cref="NoSuchJob"/> unless the cluster's store has job <paramref name="jobId"/>.</summary>
    public static async Task RequireJobAsync(Client.GridClient client, string command, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        _ = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw NoSuchJob(command, jobId);
    }

    /// <summary>Gets the text name of a state: <c>running</c>, <c>timed out</c>.</summary>
    public static string Name(StoredJobState state) => state == StoredJobState.TimedOut ? "timed out" : JsonLines.Name(state);

    /// <summary>Writes a job's properties into a JSON line, as <c>grid jobs --json</c> and <c>grid cancel --json</c> show it.</summary>
    public static void Write(Utf8JsonWriter writer, StoredJob job)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(job);
        writer.WriteString("type", "job");
        writer.WriteString("jobId", job.JobId);
        writer.WriteString("kernel", job.Kernel);
        writer.WriteString("state", JsonLines.Name(job.State));
        writer.WriteNumber("total", job.Total);
        writer.WriteNumber("completed", job.Completed);
        writer.WriteNumber("succeeded", job.Succeeded);
        writer.WriteNumber("failed", job.Failed);
        writer.WriteNumber("timedOut", job.TimedOut);
        writer.WriteNumber("cancelled", job.Cancelled);
        writer.WriteString("submitted", job.Submitted);
        WriteTime(writer, "started", job.Started);
        WriteTime(writer, "finished", job.Finished);
        if (job.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        if (job.Owner is { } owner)
        {
            writer.WriteString("owner", owner);
        }

        writer.WriteNumber("runs", job.Runs);
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static Guid Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        result.AddError(text.StartsWith('-')
            ? $"unknown option '{text}'"
            : $"'{text}' is not a job id; a job id is a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301, as --detach printed it and 'grid jobs' lists it");
        return Guid.Empty;
    }
}
