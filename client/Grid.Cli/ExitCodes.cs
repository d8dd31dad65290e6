using Grid.Jobs;

namespace Grid.Cli;

/// <summary>The exit codes of the grid command, as its help text documents them.</summary>
internal static class ExitCodes
{
    /// <summary>The job completed and every item succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The job ran but not cleanly: some items failed or timed out, the job hit its time limit, or the grid failed.</summary>
    public const int ItemsFailed = 1;

    /// <summary>The command line was wrong: unknown command or option, a bad value, a missing file or folder.</summary>
    public const int Usage = 2;

    /// <summary>The user pressed Ctrl+C (128 + SIGINT, as shells report it), or the detached job <c>grid attach</c> read was cancelled.</summary>
    public const int Cancelled = 130;

    /// <summary>The help text's account of the codes above.</summary>
    public const string HelpText =
        "Exit codes: 0 the job completed and every item succeeded; 1 some items failed or timed out (or the job did); "
        + "2 usage error (bad command, option or value); 130 cancelled with Ctrl+C (for grid attach, also a job cancelled with grid cancel).";

    /// <summary>Gets the exit code of a finished job.</summary>
    public static int For(JobSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.Outcome switch
        {
            JobOutcome.Cancelled => Cancelled,
            JobOutcome.Completed when summary.Failed + summary.TimedOut + summary.Cancelled == 0 => Ok,
            _ => ItemsFailed,
        };
    }
}
