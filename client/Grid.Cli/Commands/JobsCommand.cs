using System.CommandLine;
using System.Globalization;
using Grid.Cli.Output;
using Grid.Cli.Parsing;
using Grid.Stored;

namespace Grid.Cli.Commands;

/// <summary><c>grid jobs</c>: lists the cluster's detached jobs, newest first, with their state and progress.</summary>
internal static class JobsCommand
{
    /// <summary>The jobs listed when <c>--limit</c> is not given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The most jobs one list may hold (the silos' limit).</summary>
    public const int MaxLimit = 10_000;

    /// <summary>The longest error shown in the table; <c>--json</c> has it whole.</summary>
    public const int MaxErrorLength = 60;

    private const string Name = "jobs";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var limit = new Option<int?>("--limit")
        {
            Description = $"The most jobs to list, newest first, 1 to {MaxLimit}. Default: {DefaultLimit}.",
            HelpName = "N",
            CustomParser = ValueParsers.PositiveInt("--limit", MaxLimit),
        };
        var command = new Command(
            Name,
            $"List the detached jobs of the cluster (--cluster or {GlobalOptions.ClusterVariable}), newest first: state, items done of all, when submitted and finished, and why one failed.")
        {
            limit,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = global.Read(parseResult);
            StoredJobs.RequireCluster(settings, Name);
            await using var client = await GridConnector.ConnectAsync(context, settings, cancellationToken);
            var jobs = await client.GetJobsAsync(parseResult.GetValue(limit) ?? DefaultLimit, cancellationToken);
            if (settings.Json)
            {
                foreach (var job in jobs)
                {
                    JsonLines.Write(context.Out, writer => StoredJobs.Write(writer, job));
                }

                return ExitCodes.Ok;
            }

            if (jobs.Count == 0)
            {
                context.Error.WriteLine($"grid {Name}: the cluster's job store holds no jobs");
                return ExitCodes.Ok;
            }

            Tables.Write(
                context,
                ["job", "kernel", "state", "done", "%", "submitted", "finished", "error"],
                jobs.Select(Row).ToList(),
                figures: false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Gets the table row of a job.</summary>
    internal static IReadOnlyList<string> Row(StoredJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return
        [
            job.JobId.ToString(),
            job.Kernel,
            StoredJobs.Name(job.State),
            string.Create(CultureInfo.InvariantCulture, $"{job.Completed}/{job.Total}"),
            Percent(job),
            Time(job.Submitted),
            job.Finished is { } finished ? Time(finished) : "-",
            job.Error is { } error ? Short(JobOutput.FirstLine(error)) : string.Empty,
        ];
    }

    private static string Percent(StoredJob job)
    {
        var percent = job.Total > 0 ? Math.Floor(100.0 * job.Completed / job.Total) : job.State.IsFinished() ? 100 : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{percent:0}%");
    }

    // Local time to the second: when a person reads it. --json has the exact time with its offset.
    private static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Short(string text) => text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength - 3), "...");
}
