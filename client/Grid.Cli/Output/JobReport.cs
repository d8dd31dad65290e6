using Grid.Jobs;

namespace Grid.Cli.Output;

/// <summary>How a job run by the CLI ended, as far as the CLI saw it.</summary>
/// <param name="Summary">The job's summary, or <see langword="null"/> when it could not be had (cancelled before the job could report).</param>
/// <param name="Cancelled">Whether the user cancelled the run.</param>
/// <param name="TimedOut">Whether the job passed its time limit.</param>
internal sealed record JobReport(JobSummary? Summary, bool Cancelled, bool TimedOut)
{
    /// <summary>Gets the input items the job never read because it stopped early (its summary counts only the items it read).</summary>
    public long NotRead { get; init; }

    /// <summary>Gets the process exit code for this ending.</summary>
    public int ExitCode => Cancelled || Summary?.Outcome == JobOutcome.Cancelled
        ? ExitCodes.Cancelled
        : Summary is null ? ExitCodes.ItemsFailed : ExitCodes.For(Summary);
}
