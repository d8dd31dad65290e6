using System.CommandLine;
using Grid.Cli.Output;

namespace Grid.Cli.Commands;

/// <summary>The <c>--detach</c> option of the kernel commands that make a job of their inputs (<c>primes</c>, <c>pi</c>, <c>transform</c>): the job is stored on the cluster and runs without the CLI.</summary>
internal sealed class DetachArguments
{
    /// <summary>Gets the <c>--detach</c> option.</summary>
    public Option<bool> Detach { get; } = new("--detach")
    {
        Description = "Submit a detached job and print its id, then exit: the cluster's silos store its inputs and results (Grid:Jobs:Store) and run it "
            + "without this command; read it with 'grid attach ID'. Needs --cluster. The time limits, --retries and --max-failures go with the job; "
            + "--ordered is refused, since 'grid attach' reads results as they were stored.",
    };

    /// <summary>Adds the option to <paramref name="command"/>, with the checks that a detached job has a cluster and no <c>--ordered</c>.</summary>
    public void AddTo(Command command, GlobalOptions global)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(global);
        command.Options.Add(Detach);
        command.Validators.Add(result =>
        {
            if (!result.GetValue(Detach))
            {
                return;
            }

            if (!global.HasCluster(result))
            {
                result.AddError(
                    $"--detach needs a cluster whose silos have a job store: give --cluster CONNECTION (or {GlobalOptions.ClusterVariable}), "
                    + "and the silos a PostgreSQL connection string in Grid:Jobs:Store; the embedded silo keeps no detached jobs");
            }
            else if (result.GetValue(global.Ordered))
            {
                result.AddError("--ordered shapes the output of a job run live; a detached job's results are read with 'grid attach' in the order they were stored");
            }
        });
    }

    /// <summary>Gets whether the command line asks for a detached job.</summary>
    public bool IsDetached(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(Detach);
    }

    /// <summary>Submits <paramref name="inputs"/> to <paramref name="kernel"/> as a detached job with the settings' limits and prints its id (with <c>--json</c>, one object); returns the exit code.</summary>
    public static async Task<int> SubmitAsync<TIn, TOut>(CliContext context, RunSettings settings, string kernel, IEnumerable<TIn> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        await using var client = await GridConnector.ConnectAsync(context, settings, cancellationToken);
        var job = await client.SubmitJobAsync<TIn, TOut>(kernel, inputs, settings.ToMapOptions(), cancellationToken);
        if (settings.Json)
        {
            JsonLines.Write(context.Out, writer =>
            {
                writer.WriteString("type", "detached");
                writer.WriteString("job", job.Id);
                writer.WriteString("kernel", job.Kernel);
                writer.WriteNumber("items", job.Total);
            });
        }
        else
        {
            // The id alone, so that a script can keep it: id=$(grid primes --detach ...).
            context.Out.WriteLine(job.Id.ToString());
        }

        return ExitCodes.Ok;
    }
}
