using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grid.Cli.Output;
using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Stored;

namespace Grid.Cli.Commands;

/// <summary><c>grid attach</c>: reads a detached job's results, stored ones first and then the rest as they are stored, shown as the kernel commands show a live job.</summary>
/// <remarks>
/// The inputs stay in the job store, so results name their item by index (<c>item 7</c>) unless the value says which input it was
/// (a transformed file names itself); with <c>--json</c> they have no <c>input</c>. Values of the built-in kernels are shown as their
/// commands show them; any other kernel's value as its stored JSON.
/// </remarks>
internal static class AttachCommand
{
    private const string Name = "attach";

    private static readonly ItemFormat<long, bool> PrimesFormat = new()
    {
        Label = Label,
        Line = (index, prime) => $"{Label(index)} {PrimesCommand.Verdict(prime)}",
        WriteInput = null,
        WriteValue = (writer, prime) => writer.WriteBooleanValue(prime),
    };

    // As grid pi: successes print nothing, their sum is the estimate at the end; failures get a line each.
    private static readonly ItemFormat<long, PiEstimate> PiFormat = new()
    {
        Label = Label,
        WriteInput = null,
        WriteValue = PiCommand.WriteEstimate,
    };

    private static readonly ItemFormat<long, FileTransformResult> TransformFormat = new()
    {
        Label = Label,
        Line = (_, result) => string.Create(
            CultureInfo.InvariantCulture,
            $"{result.InputPath} -> {result.OutputPath} ({result.InputBytes} -> {result.OutputBytes} bytes)"),
        WriteInput = null,
        WriteValue = TransformCommand.WriteResult,
    };

    private static readonly ItemFormat<long, JsonElement> RawFormat = new()
    {
        Label = Label,
        Line = (index, value) => $"{Label(index)}: {value.GetRawText()}",
        WriteInput = null,
        WriteValue = (writer, value) => value.WriteTo(writer),
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = StoredJobs.JobIdArgument();
        var failed = new Option<bool>("--failed")
        {
            Description = "Read only the items that did not succeed (failed, timed out or cancelled); the summary still counts every item.",
        };
        var command = new Command(
            Name,
            $"Read a detached job of the cluster (--cluster or {GlobalOptions.ClusterVariable}): its results stored so far, then the rest as they are stored, "
            + "then its summary, with the exit code a live job with that ending has. The inputs stay in the job store, so items are named by index (item 7) "
            + "unless the value names its input (a transformed file), and with --json results have no input. Ctrl+C stops reading and leaves the job running. "
            + "The job's limits (time limits, retries, --max-failures) were set when it was submitted; the ones given here are ignored.")
        {
            id,
            failed,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = global.Read(parseResult);
            StoredJobs.RequireCluster(settings, Name);

            // The job's limits were set when it was submitted; none given here may speak for them in the closing lines.
            settings = settings with { ItemTimeout = null, JobTimeout = null, Ordered = false, HardItemTimeout = null, MaxFailures = null, Retry = null };
            var jobId = parseResult.GetValue(id);
            await using var client = await GridConnector.ConnectAsync(context, settings, cancellationToken);
            var job = await client.GetJobAsync(jobId, cancellationToken) ?? throw StoredJobs.NoSuchJob(Name, jobId);
            var reader = new Reader(context, settings, client, job, parseResult.GetValue(failed));
            switch (job.Kernel)
            {
                case BuiltInKernels.IsPrime when Returns<bool>(job):
                    return await reader.ReadAsync(PrimesFormat, observe: null, extra: null, cancellationToken);
                case BuiltInKernels.FileTransform when Returns<FileTransformResult>(job):
                    return await reader.ReadAsync(TransformFormat, observe: null, extra: null, cancellationToken);
                case BuiltInKernels.MonteCarloPi when Returns<PiEstimate>(job):
                    var total = new PiEstimate(0, 0);
                    return await reader.ReadAsync(
                        PiFormat,
                        result =>
                        {
                            if (result.IsSuccess)
                            {
                                total += result.Value!;
                            }
                        },
                        report => PiCommand.ShowEstimate(context, settings.Json, total, job.Total, report),
                        cancellationToken);
                default:
                    return await reader.ReadAsync(RawFormat, observe: null, extra: null, cancellationToken);
            }
        });
        return command;
    }

    private static string Label(long index) => string.Create(CultureInfo.InvariantCulture, $"item {index}");

    // A built-in kernel's values are shown as its command shows them only when the job was submitted with the kernel's own output type.
    private static bool Returns<T>(StoredJob job) => string.Equals(job.OutputType, typeof(T).FullName, StringComparison.Ordinal);

    private sealed class Reader(CliContext context, RunSettings settings, GridClient client, StoredJob job, bool failedOnly)
    {
        public async Task<int> ReadAsync<TOut>(
            ItemFormat<long, TOut> format,
            Action<ItemResult<TOut>>? observe,
            Func<JobReport, Action<Utf8JsonWriter>>? extra,
            CancellationToken cancellationToken)
        {
            var output = new JobOutput(context, settings);
            var report = await output.RunAsync(
                job.Kernel,
                new ItemSource<long>(job.Total, index => index),
                progress => client.AttachAsync<TOut>(job.JobId, new AttachOptions { FailedOnly = failedOnly, Progress = progress }),
                format,
                observe,
                cancellationToken);
            if (report.Cancelled)
            {
                // Ctrl+C stops this reader only: the job is detached and runs on.
                context.Error.WriteLine($"grid {Name}: stopped reading; job {job.JobId} runs on ('grid attach {job.JobId}' reads it again, 'grid cancel {job.JobId}' stops it)");
                return ExitCodes.Cancelled;
            }

            return output.Finish(report, extra?.Invoke(report));
        }
    }
}
