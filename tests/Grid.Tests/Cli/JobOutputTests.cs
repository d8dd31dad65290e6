using Grid.Cli;
using Grid.Cli.Output;
using Grid.Jobs;

namespace Grid.Tests.Cli;

public sealed class JobOutputTests
{
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
