using System.Globalization;
using Grid.Jobs;
using Spectre.Console;

namespace Grid.Cli.Output;

/// <summary>Feeds a job's progress reports into one Spectre progress task: completed of total, items per second and failures.</summary>
/// <remarks>Reports come on the job's threads; <see cref="ProgressTask"/> takes its own lock, so none is needed here.</remarks>
internal sealed class ProgressBar(ProgressTask task, string kernel, long total) : IProgress<JobProgress>
{
    /// <summary>Starts a progress task for <paramref name="kernel"/> in <paramref name="context"/>.</summary>
    public static ProgressBar Start(ProgressContext context, string kernel, long total)
    {
        ArgumentNullException.ThrowIfNull(context);
        var task = context.AddTask(Describe(kernel, 0, total, 0, 0), maxValue: Math.Max(total, 1));
        return new ProgressBar(task, kernel, total);
    }

    /// <inheritdoc />
    public void Report(JobProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var known = value.Total ?? total;
        task.MaxValue = Math.Max(known, 1);
        task.Value = value.Completed;
        task.Description = Describe(kernel, value.Completed, known, value.ItemsPerSecond, value.Failed + value.TimedOut);
    }

    /// <summary>Shows the job's final counts, whatever the last report said.</summary>
    public void Complete(JobSummary? summary)
    {
        if (summary is not null)
        {
            task.Value = summary.Completed;
            task.Description = Describe(kernel, summary.Completed, summary.Total, JobOutput.ItemsPerSecond(summary), summary.Failed + summary.TimedOut);
        }

        task.StopTask();
    }

    private static string Describe(string kernel, long completed, long total, double itemsPerSecond, long failures)
        => Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{kernel}  {completed}/{total}  {itemsPerSecond:0.0} items/s  {failures} failed"));
}
