using System.CommandLine;
using System.Globalization;
using Grid.Cli.Benchmarking;
using Grid.Cli.Output;
using Grid.Cli.Parsing;
using Grid.Kernels;
using Spectre.Console;

namespace Grid.Cli.Commands;

/// <summary><c>grid bench</c>: times a kernel serially in this process, then on the grid with 1, 2, ... workers, and prints the speedups.</summary>
internal static class BenchCommand
{
    private const string Name = "bench";

    /// <summary>The inputs generated when <c>--items</c> is not given.</summary>
    public const int DefaultItems = 200;

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var kernel = new Option<string>("--kernel")
        {
            Description = $"The kernel to time: {string.Join(" or ", BenchWorkloads.Known)}.",
            HelpName = "NAME",
            DefaultValueFactory = _ => BuiltInKernels.IsPrime,
        };
        var items = new Option<int?>("--items")
        {
            Description = $"The number of generated inputs. Default: {DefaultItems}.",
            HelpName = "N",
            CustomParser = ValueParsers.PositiveInt("--items"),
        };

        var command = new Command(
            Name,
            "Time a kernel serially in this process, then on the grid with 1 to --workers workers (default: the number of cores, "
            + "a new embedded silo for each), and print wall time, items/s, speedup and efficiency (speedup / workers).")
        {
            kernel,
            items,
        };
        var kernelArguments = new KernelJobArguments();
        kernelArguments.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(kernel)!;
            var count = parseResult.GetValue(items) ?? DefaultItems;
            var workload = BenchWorkloads.Create(name, count)
                ?? throw UsageException.For(Name, $"unknown kernel '{name}'; known kernels: {string.Join(", ", BenchWorkloads.Known)}");
            var settings = kernelArguments.Apply(parseResult, global.Read(parseResult));
            if (settings.Cluster is not null)
            {
                throw new UsageException($"grid {Name}: compares worker counts on an embedded silo, so it does not run on a cluster (unset --cluster and {GlobalOptions.ClusterVariable})");
            }

            var maxWorkers = settings.Workers ?? Environment.ProcessorCount;

            var runs = await MeasureAsync(context, settings, workload, maxWorkers, cancellationToken);
            if (settings.Json)
            {
                WriteJson(context, workload, runs);
            }
            else
            {
                context.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{workload.Kernel}: {workload.Items} items, serial in this process, then on the grid with 1 to {maxWorkers} workers ({Environment.ProcessorCount} cores)"));
                WriteTable(context, runs);
            }

            var exitCode = ExitCodes.Ok;
            foreach (var run in runs.Skip(1).Where(r => r.Failed + r.Mismatched > 0))
            {
                context.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"grid {Name}: with {run.Workers} workers {run.Failed} items failed and {run.Mismatched} differ from the serial run"));
                exitCode = ExitCodes.ItemsFailed;
            }

            return exitCode;
        });
        return command;
    }

    private static async Task<List<BenchMeasurement>> MeasureAsync(CliContext context, RunSettings settings, IBenchWorkload workload, int maxWorkers, CancellationToken cancellationToken)
    {
        var runs = new List<BenchMeasurement>(maxWorkers + 1);
        var options = settings.ToMapOptions();

        async Task RunAllAsync(Action<string> status)
        {
            status("serial");
            runs.Add(workload.RunSerial(context.TimeProvider, cancellationToken));
            for (var workers = 1; workers <= maxWorkers; workers++)
            {
                status(string.Create(CultureInfo.InvariantCulture, $"{workers} {(workers == 1 ? "worker" : "workers")}"));
                await using var client = await GridConnector.StartEmbeddedAsync(workers, cancellationToken);
                runs.Add(await workload.RunGridAsync(client, workers, options, context.TimeProvider, cancellationToken));
            }
        }

        if (context.Interactive && !settings.Json)
        {
            await context.Ansi.Status().StartAsync(
                "starting",
                statusContext => RunAllAsync(step => statusContext.Status($"{Markup.Escape(workload.Kernel)}: {step}")));
        }
        else
        {
            await RunAllAsync(_ => { });
        }

        return runs;
    }

    private static void WriteTable(CliContext context, List<BenchMeasurement> runs)
    {
        var serial = runs[0];
        var rows = runs.Select(run => (IReadOnlyList<string>)
        [
            run.Workers == 0 ? "serial" : run.Workers.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{run.WallTime.TotalSeconds:0.000} s"),
            run.ItemsPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{run.SpeedupOver(serial):0.00}x"),
            run.Workers == 0 ? "-" : run.EfficiencyOver(serial).ToString("0%", CultureInfo.InvariantCulture),
        ]).ToList();
        Tables.Write(context, ["workers", "wall time", "items/s", "speedup", "efficiency"], rows, figures: true);
    }

    private static void WriteJson(CliContext context, IBenchWorkload workload, List<BenchMeasurement> runs)
    {
        var serial = runs[0];
        foreach (var run in runs)
        {
            JsonLines.Write(context.Out, writer =>
            {
                writer.WriteString("type", run.Workers == 0 ? "serial" : "run");
                writer.WriteNumber("workers", run.Workers);
                writer.WriteNumber("wallSeconds", run.WallTime.TotalSeconds);
                writer.WriteNumber("itemsPerSecond", run.ItemsPerSecond);
                writer.WriteNumber("speedup", run.SpeedupOver(serial));
                writer.WriteNumber("efficiency", run.EfficiencyOver(serial));
                writer.WriteNumber("failed", run.Failed);
                writer.WriteNumber("mismatched", run.Mismatched);
            });
        }

        var best = runs.Skip(1).MaxBy(r => r.SpeedupOver(serial));
        JsonLines.Write(context.Out, writer =>
        {
            writer.WriteString("type", "summary");
            writer.WriteString("kernel", workload.Kernel);
            writer.WriteNumber("items", workload.Items);
            writer.WriteNumber("cores", Environment.ProcessorCount);
            writer.WriteNumber("serialSeconds", serial.WallTime.TotalSeconds);
            if (best is not null)
            {
                writer.WriteNumber("bestWorkers", best.Workers);
                writer.WriteNumber("bestSpeedup", best.SpeedupOver(serial));
            }
        });
    }
}
