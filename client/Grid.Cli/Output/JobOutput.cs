using System.Globalization;
using System.Text.Json;
using Grid.Cli.Commands;
using Grid.Client;
using Grid.Jobs;
using Spectre.Console;

namespace Grid.Cli.Output;

/// <summary>Runs a map job for a command and shows it: each result as it arrives, a live progress bar on a terminal, a summary at the end.</summary>
/// <remarks>
/// Three shapes, one code path: on a terminal, text lines above a Spectre progress bar; when redirected, the same lines with no ANSI
/// codes; with <c>--json</c>, one JSON object per result and a final summary object.
/// </remarks>
internal sealed class JobOutput(CliContext context, RunSettings settings)
{
    /// <summary>The most cancelled items listed one a line in text output; a job stopped early can cancel thousands, which the summary counts instead.</summary>
    public const int MaxCancelledLines = 10;

    // After Ctrl+C the job gets this long to report its summary before the CLI exits without one.
    private static readonly TimeSpan SummaryGrace = TimeSpan.FromSeconds(2);

    private int _cancelledListed;
    private long _cancelledUnlisted;

    /// <summary>Runs <paramref name="kernel"/> over <paramref name="inputs"/>, writing each result; <paramref name="observe"/> sees each result too.</summary>
    public Task<JobReport> RunAsync<TIn, TOut>(
        GridClient client,
        string kernel,
        ItemSource<TIn> inputs,
        ItemFormat<TIn, TOut> format,
        Action<ItemResult<TOut>>? observe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(inputs);
        return RunAsync(kernel, inputs, progress => client.Map<TIn, TOut>(kernel, inputs.Enumerate(), settings.ToMapOptions(progress), cancellationToken), format, observe, cancellationToken);
    }

    /// <summary>Runs the job <paramref name="start"/> makes (given the progress receiver), writing each result under the name <paramref name="kernel"/>.</summary>
    /// <remarks>For jobs other than a map, such as fetch and upload; <paramref name="inputs"/> gives the count and each result's input.</remarks>
    public async Task<JobReport> RunAsync<TIn, TOut>(
        string kernel,
        ItemSource<TIn> inputs,
        Func<IProgress<JobProgress>?, GridJob<TOut>> start,
        ItemFormat<TIn, TOut> format,
        Action<ItemResult<TOut>>? observe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(format);
        if (!context.Interactive || settings.Json)
        {
            return await ReadResultsAsync(kernel, inputs, start, format, observe, progress: null, cancellationToken);
        }

        return await context.Ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progressContext =>
            {
                var bar = ProgressBar.Start(progressContext, kernel, inputs.Count);
                var report = await ReadResultsAsync(kernel, inputs, start, format, observe, bar, cancellationToken);
                bar.Complete(report.Summary);
                return report;
            });
    }

    /// <summary>Writes how the job ended (the <c>done:</c> line, or the JSON summary object) and returns the exit code.</summary>
    /// <param name="report">The job's ending.</param>
    /// <param name="writeExtra">Writes more properties into the JSON summary, such as pi's estimate.</param>
    public int Finish(JobReport report, Action<Utf8JsonWriter>? writeExtra = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Summary is { } summary)
        {
            if (settings.Json)
            {
                JsonLines.Write(context.Out, writer => WriteSummary(writer, summary, writeExtra));
            }
            else
            {
                WriteUnlistedCancelled();
                context.WriteLine(DoneLine(summary));
                if (RetriesLine(summary) is { } retries)
                {
                    context.WriteLine(retries);
                }
            }

            if ((report.TimedOut || summary.Outcome == JobOutcome.TimedOut) && settings.JobTimeout is { } limit)
            {
                context.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"grid: the job passed its time limit of {limit.TotalSeconds} s (--timeout); {Items(summary.TimedOut + summary.Cancelled)} did not finish"));
            }
            else if (report.TimedOut || summary.Outcome == JobOutcome.TimedOut)
            {
                // A detached job read by grid attach: its limit was set when it was submitted.
                context.Error.WriteLine($"grid: the job passed its time limit; {Items(summary.TimedOut + summary.Cancelled)} did not finish");
            }
            else if (summary.Outcome == JobOutcome.Failed && settings.MaxFailures is { } maxFailures && summary.Failed + summary.TimedOut > maxFailures)
            {
                context.Error.WriteLine(FailureLimitLine(summary, maxFailures, summary.Cancelled + report.NotRead));
            }
            else if (summary.Outcome == JobOutcome.Failed)
            {
                context.Error.WriteLine($"grid: the job stopped early: {FirstLine(summary.Error ?? "no reason given")}");
            }
        }
        else if (!settings.Json)
        {
            WriteUnlistedCancelled();
        }

        if (report.ExitCode == ExitCodes.Cancelled)
        {
            // Cancelled by someone else (grid cancel of a detached job): say why, not that this run was cancelled.
            context.Error.WriteLine(report.Cancelled || report.Summary is null
                ? "grid: cancelled"
                : $"grid: the job was cancelled: {FirstLine(report.Summary.Error ?? "no reason given")}");
        }

        return report.ExitCode;
    }

    /// <summary>Formats the one-line account of a job shown at the end of text output.</summary>
    public static string DoneLine(JobSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"done: {Items(summary.Total)}, {summary.Succeeded} ok, {summary.Failed} failed, "
            + $"{summary.TimedOut} timed out, {summary.Cancelled} cancelled in {summary.WallTime.TotalSeconds:0.00} s ({ItemsPerSecond(summary):0.0} items/s)");
    }

    /// <summary>Formats the text line of a result, ending <c>(N attempts)</c> when its item ran more than once, or returns <see langword="null"/> for a success of a format that prints none.</summary>
    public static string? TextLine<TIn, TOut>(ItemResult<TOut> result, TIn input, ItemFormat<TIn, TOut> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var line = result.Error is { } error ? ErrorLine(format.Label(input), error) : format.Line?.Invoke(input, result.Value!);
        return line is not null && format.ShowsAttempts && result.Attempts > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{line} ({result.Attempts} attempts)")
            : line;
    }

    /// <summary>Formats the line on retries shown after the <c>done:</c> line, or returns <see langword="null"/> when no item was retried.</summary>
    public static string? RetriesLine(JobSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.Retries == 0
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"retries: {summary.Retries} ({summary.TimeoutRetries} after a time-out, {summary.CrashRetries} after a worker crash)");
    }

    /// <summary>Formats the error line of a job that <c>--max-failures</c> stopped; <paramref name="notRun"/> counts the items it cancelled and those it never read.</summary>
    public static string FailureLimitLine(JobSummary summary, long maxFailures, long notRun)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var failed = summary.Failed + summary.TimedOut;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"grid: the job stopped early at its failure limit (--max-failures {maxFailures}): {Items(failed)} {(summary.TimedOut == 0 ? "failed" : "failed or timed out")}, {notRun} did not run");
    }

    /// <summary>Gets the items that ran (cancelled ones did not) per second of wall time, so that a cancelled job does not claim a huge rate.</summary>
    public static double ItemsPerSecond(JobSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.WallTime > TimeSpan.Zero ? (summary.Succeeded + summary.Failed + summary.TimedOut) / summary.WallTime.TotalSeconds : 0;
    }

    /// <summary>Returns the first line of a message, so that an error stays on one line.</summary>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }

    private static string Items(long count) => string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? "item" : "items")}");

    private async Task<JobReport> ReadResultsAsync<TIn, TOut>(
        string kernel,
        ItemSource<TIn> inputs,
        Func<IProgress<JobProgress>?, GridJob<TOut>> startJob,
        ItemFormat<TIn, TOut> format,
        Action<ItemResult<TOut>>? observe,
        IProgress<JobProgress>? progress,
        CancellationToken cancellationToken)
    {
        var job = startJob(progress);
        var tally = new long[Enum.GetValues<ItemStatus>().Length];
        var start = context.TimeProvider.GetTimestamp();
        try
        {
            await foreach (var result in job.WithCancellation(cancellationToken))
            {
                tally[(int)result.Status]++;
                observe?.Invoke(result);
                WriteResult(result, inputs.At(result.Index), format);
            }

            return new JobReport(await job.Summary, Cancelled: false, TimedOut: false);
        }
        catch (JobTimeoutException e)
        {
            return new JobReport(e.Summary ?? await TryGetSummaryAsync(job), Cancelled: false, TimedOut: true);
        }
        catch (TooManyFailuresException e)
        {
            // Every result the job had was written above; Finish says which limit stopped it.
            var summary = e.Summary ?? await TryGetSummaryAsync(job);
            return new JobReport(summary, Cancelled: false, TimedOut: false) { NotRead = Math.Max(0, inputs.Count - (summary?.Total ?? inputs.Count)) };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A cancelled job has no summary of its own, so the account is the client's: every item without a result was cancelled.
            var summary = await TryGetSummaryAsync(job);
            if (summary is null)
            {
                long ok = tally[(int)ItemStatus.Ok], failed = tally[(int)ItemStatus.Failed], timedOut = tally[(int)ItemStatus.TimedOut];
                summary = new JobSummary(
                    job.Id, kernel, JobOutcome.Cancelled, inputs.Count, ok, failed, timedOut, inputs.Count - ok - failed - timedOut, context.TimeProvider.GetElapsedTime(start), []);
            }

            return new JobReport(summary, Cancelled: true, TimedOut: false);
        }
    }

    private async Task<JobSummary?> TryGetSummaryAsync<TOut>(GridJob<TOut> job)
    {
        try
        {
            return await job.Summary.WaitAsync(SummaryGrace, context.TimeProvider, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or GridException)
        {
            return null;
        }
    }

    private void WriteResult<TIn, TOut>(ItemResult<TOut> result, TIn input, ItemFormat<TIn, TOut> format)
    {
        if (settings.Json)
        {
            JsonLines.Write(context.Out, writer =>
            {
                writer.WriteString("type", "result");
                writer.WriteNumber("index", result.Index);
                if (format.WriteInput is { } writeInput)
                {
                    writer.WritePropertyName("input");
                    writeInput(writer, input);
                }

                writer.WriteString("status", JsonLines.Name(result.Status));
                if (result.Error is { } error)
                {
                    writer.WriteStartObject("error");
                    writer.WriteString("type", error.Type);
                    writer.WriteString("message", error.Message);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WritePropertyName("value");
                    format.WriteValue(writer, result.Value!);
                }

                writer.WriteNumber("seconds", result.Duration.TotalSeconds);
                writer.WriteString("worker", result.Worker);
                if (format.ShowsAttempts)
                {
                    writer.WriteNumber("attempts", result.Attempts);
                }
            });
        }
        else if (result.Status == ItemStatus.Cancelled && _cancelledListed >= MaxCancelledLines)
        {
            _cancelledUnlisted++;
        }
        else if (TextLine(result, input, format) is { } line)
        {
            _cancelledListed += result.Status == ItemStatus.Cancelled ? 1 : 0;
            context.WriteLine(line, isError: !result.IsSuccess);
        }
    }

    // Once per job: the cancelled items past MaxCancelledLines, counted in one line.
    private void WriteUnlistedCancelled()
    {
        if (_cancelledUnlisted > 0)
        {
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"... and {_cancelledUnlisted} more {(_cancelledUnlisted == 1 ? "item" : "items")} cancelled, not listed"), isError: true);
            _cancelledUnlisted = 0;
        }
    }

    private static string ErrorLine(string label, ItemError error) => error.Status switch
    {
        ItemStatus.TimedOut => $"{label}: timed out: {FirstLine(error.Message)}",
        ItemStatus.Cancelled => $"{label}: cancelled: {FirstLine(error.Message)}",
        _ => $"{label}: error: {FirstLine(error.Message)}",
    };

    private static void WriteSummary(Utf8JsonWriter writer, JobSummary summary, Action<Utf8JsonWriter>? writeExtra)
    {
        writer.WriteString("type", "summary");
        if (summary.JobId != Guid.Empty)
        {
            writer.WriteString("jobId", summary.JobId);
        }

        writer.WriteString("kernel", summary.Kernel);
        writer.WriteString("outcome", JsonLines.Name(summary.Outcome));
        writer.WriteNumber("total", summary.Total);
        writer.WriteNumber("succeeded", summary.Succeeded);
        writer.WriteNumber("failed", summary.Failed);
        writer.WriteNumber("timedOut", summary.TimedOut);
        writer.WriteNumber("cancelled", summary.Cancelled);
        writer.WriteNumber("wallSeconds", summary.WallTime.TotalSeconds);
        writer.WriteNumber("itemsPerSecond", ItemsPerSecond(summary));
        if (summary.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        if (summary.Retries > 0)
        {
            writer.WriteNumber("retries", summary.Retries);
            writer.WriteNumber("timeoutRetries", summary.TimeoutRetries);
            writer.WriteNumber("crashRetries", summary.CrashRetries);
        }

        writer.WriteStartArray("workers");
        foreach (var worker in summary.Workers)
        {
            writer.WriteStartObject();
            writer.WriteString("worker", worker.Worker);
            writer.WriteNumber("chunks", worker.Chunks);
            writer.WriteNumber("items", worker.Items);
            writer.WriteNumber("busySeconds", worker.Busy.TotalSeconds);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writeExtra?.Invoke(writer);
    }
}
