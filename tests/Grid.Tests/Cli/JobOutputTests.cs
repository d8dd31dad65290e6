using System.Globalization;
using Grid.Cli;
using Grid.Cli.Output;
using Grid.Jobs;

namespace Grid.Tests.Cli;

[Trait("Category", "Fast")]
public sealed class JobOutputTests
{
    private static readonly ItemFormat<long, bool> PrimeFormat = new()
    {
        Label = n => n.ToString(CultureInfo.InvariantCulture),
        Line = (n, prime) => string.Create(CultureInfo.InvariantCulture, $"{n} {(prime ? "is prime" : "is not prime")}"),
        WriteInput = (writer, n) => writer.WriteNumberValue(n),
        WriteValue = (writer, prime) => writer.WriteBooleanValue(prime),
    };

    [Fact]
    public void DoneLine_MixedOutcomes_CountsEveryStatus()
    {
        var summary = Summary(JobOutcome.Completed, succeeded: 5, failed: 1, wallTime: TimeSpan.FromSeconds(0.41));

        Assert.Equal("done: 6 items, 5 ok, 1 failed, 0 timed out, 0 cancelled in 0.41 s (14.6 items/s)", JobOutput.DoneLine(summary));
    }

    [Fact]
    public void DoneLine_OneItem_SaysItem()
    {
        var summary = Summary(JobOutcome.Completed, succeeded: 1, wallTime: TimeSpan.FromSeconds(2));

        Assert.Equal("done: 1 item, 1 ok, 0 failed, 0 timed out, 0 cancelled in 2.00 s (0.5 items/s)", JobOutput.DoneLine(summary));
    }

    [Fact]
    public void TextLine_SuccessAfterRetries_SaysHowManyAttempts()
    {
        var result = new ItemResult<bool>(0, true, null, TimeSpan.Zero, "worker-1") { Attempts = 2 };

        Assert.Equal("97 is prime (2 attempts)", JobOutput.TextLine(result, 97L, PrimeFormat));
    }

    [Fact]
    public void TextLine_FirstAttempt_SaysNothingOfAttempts()
    {
        var result = new ItemResult<bool>(0, true, null, TimeSpan.Zero, "worker-1");

        Assert.Equal("97 is prime", JobOutput.TextLine(result, 97L, PrimeFormat));
    }

    [Fact]
    public void TextLine_TimedOutAfterRetries_SaysHowManyAttempts()
    {
        var error = new ItemError(ItemStatus.TimedOut, "hard-timeout", "ran past its hard time limit\nof 1000 ms");
        var result = new ItemResult<bool>(0, false, error, TimeSpan.Zero, "worker-1") { Attempts = 3 };

        Assert.Equal("97: timed out: ran past its hard time limit (3 attempts)", JobOutput.TextLine(result, 97L, PrimeFormat));
    }

    [Fact]
    public void TextLine_FormatThatCountsAttemptsInItsValue_AddsNothing()
    {
        var result = new ItemResult<bool>(0, true, null, TimeSpan.Zero, "worker-1") { Attempts = 2 };

        Assert.Equal("97 is prime", JobOutput.TextLine(result, 97L, new ItemFormat<long, bool>
        {
            Label = PrimeFormat.Label,
            Line = PrimeFormat.Line,
            WriteInput = PrimeFormat.WriteInput,
            WriteValue = PrimeFormat.WriteValue,
            ShowsAttempts = false,
        }));
    }

    [Fact]
    public void RetriesLine_NoRetries_IsNull()
    {
        Assert.Null(JobOutput.RetriesLine(Summary(JobOutcome.Completed, succeeded: 3)));
    }

    [Fact]
    public void RetriesLine_Retries_CountsTimeoutsAndCrashes()
    {
        var summary = Summary(JobOutcome.Completed, succeeded: 3) with { Retries = 5, TimeoutRetries = 2, CrashRetries = 1 };

        Assert.Equal("retries: 5 (2 after a time-out, 1 after a worker crash)", JobOutput.RetriesLine(summary));
    }

    [Fact]
    public void FailureLimitLine_StoppedJob_NamesTheLimitAndTheFailures()
    {
        var summary = Summary(JobOutcome.Failed, succeeded: 3, failed: 2, timedOut: 1);

        Assert.Equal(
            "grid: the job stopped early at its failure limit (--max-failures 2): 3 items failed or timed out, 1040 did not run",
            JobOutput.FailureLimitLine(summary, 2, notRun: 1040));
    }

    [Fact]
    public void FirstLine_MultiLineMessage_KeepsFirstLine()
    {
        Assert.Equal("bad input (Parameter 'input')", JobOutput.FirstLine("bad input (Parameter 'input')\nActual value was -3."));
    }

    [Theory]
    [InlineData(JobOutcome.Completed, 0, 0, ExitCodes.Ok)]
    [InlineData(JobOutcome.Completed, 1, 0, ExitCodes.ItemsFailed)]
    [InlineData(JobOutcome.Completed, 0, 1, ExitCodes.ItemsFailed)]
    [InlineData(JobOutcome.TimedOut, 0, 0, ExitCodes.ItemsFailed)]
    [InlineData(JobOutcome.Failed, 0, 0, ExitCodes.ItemsFailed)]
    [InlineData(JobOutcome.Cancelled, 0, 0, ExitCodes.Cancelled)]
    public void For_Outcome_GivesDocumentedExitCode(JobOutcome outcome, long failed, long timedOut, int expected)
    {
        Assert.Equal(expected, ExitCodes.For(Summary(outcome, succeeded: 3, failed: failed, timedOut: timedOut)));
    }

    [Fact]
    public void ExitCode_CancelledWithoutSummary_Is130()
    {
        Assert.Equal(ExitCodes.Cancelled, new JobReport(null, Cancelled: true, TimedOut: false).ExitCode);
    }

    private static JobSummary Summary(JobOutcome outcome, long succeeded, long failed = 0, long timedOut = 0, TimeSpan? wallTime = null)
        => new(Guid.NewGuid(), "is-prime", outcome, succeeded + failed + timedOut, succeeded, failed, timedOut, 0, wallTime ?? TimeSpan.FromSeconds(1), []);
}
