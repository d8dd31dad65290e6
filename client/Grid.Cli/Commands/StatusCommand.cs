using System.CommandLine;
using System.Globalization;
using Grid.Cli.Output;

namespace Grid.Cli.Commands;

/// <summary><c>grid status</c>: lists the live silos with their worker slots, busy workers, queued calls and jobs.</summary>
internal static class StatusCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("status", $"List the live silos of the cluster (--cluster or {GlobalOptions.ClusterVariable}), or the embedded silo, with their workers and load.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = global.Read(parseResult);
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            var silos = await client.GetSilosAsync(cancellationToken);
            if (settings.Json)
            {
                foreach (var silo in silos)
                {
                    JsonLines.Write(context.Out, writer =>
                    {
                        writer.WriteString("type", "silo");
                        writer.WriteString("name", silo.Name);
                        writer.WriteString("host", silo.Host);
                        writer.WriteNumber("pid", silo.ProcessId);
                        writer.WriteString("state", silo.State);
                        writer.WriteNumber("workerSlots", silo.WorkerSlots);
                        writer.WriteNumber("busyWorkers", silo.BusyWorkers);
                        writer.WriteNumber("queuedCalls", silo.QueuedCalls);
                        writer.WriteNumber("jobs", silo.Jobs);
                        writer.WriteNumber("runningChunks", silo.RunningChunks);
                        writer.WriteString("started", silo.Started);
                        writer.WriteString("lastSeen", silo.LastSeen);
                    });
                }

                return ExitCodes.Ok;
            }

            if (silos.Count == 0)
            {
                context.Error.WriteLine($"grid status: no silo of cluster '{settings.ClusterName}' is running (none sent a heartbeat)");
                return ExitCodes.ItemsFailed;
            }

            string Figure(int value) => value.ToString(CultureInfo.InvariantCulture);
            Tables.Write(
                context,
                ["silo", "host", "state", "workers", "busy", "queued", "jobs", "chunks"],
                silos.Select(s => (IReadOnlyList<string>)[s.Name, $"{s.Host}:{Figure(s.ProcessId)}", s.State, Figure(s.WorkerSlots), Figure(s.BusyWorkers), Figure(s.QueuedCalls), Figure(s.Jobs), Figure(s.RunningChunks)]).ToList(),
                figures: false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
