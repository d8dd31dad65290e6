using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grid.Cli;
using Grid.Cli.Output;

namespace Grid.Tests.Cli;

/// <summary>The kernel commands' retries (<c>--retries</c>, <c>--retry-timeouts</c>) and failure limit (<c>--max-failures</c>), run end to end on an embedded silo.</summary>
/// <remarks>is-prime rejects negative numbers on every attempt, which makes items that fail deterministically with built-in kernels only.</remarks>
[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class RetriesAndLimitsCommandTests
{
    [Fact]
    public async Task RunAsync_Retries_FailedItemSaysItsAttemptsAndSummaryCountsRetries()
    {
        var result = await CliRunner.RunAsync("primes", "--ordered", "--retries", "2", "97", "-3");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal("97 is prime", result.OutLines[0]);
        Assert.StartsWith("-3: error: is-prime takes a non-negative number", result.OutLines[1], StringComparison.Ordinal);
        Assert.EndsWith(" (3 attempts)", result.OutLines[1], StringComparison.Ordinal);
        Assert.StartsWith("done: 2 items, 1 ok, 1 failed, 0 timed out, 0 cancelled in ", result.OutLines[2], StringComparison.Ordinal);
        Assert.Equal("retries: 2 (0 after a time-out, 0 after a worker crash)", result.OutLines[3]);
        Assert.Equal(4, result.OutLines.Length);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_RetriesJson_ResultsCarryAttemptsAndSummaryCountsRetries()
    {
        var result = await CliRunner.RunAsync("primes", "--json", "--retries", "1", "97", "-3", "-5");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        var documents = result.OutLines.Select(line => JsonDocument.Parse(line)).ToList();
        try
        {
            Assert.Equal(4, documents.Count);
            var attempts = documents[..3].ToDictionary(d => d.RootElement.GetProperty("input").GetInt64(), d => d.RootElement.GetProperty("attempts").GetInt32());
            Assert.Equal(new Dictionary<long, int> { [97] = 1, [-3] = 2, [-5] = 2 }, attempts);
            var summary = documents[3].RootElement;
            Assert.Equal("summary", summary.GetProperty("type").GetString());
            Assert.Equal(2, summary.GetProperty("retries").GetInt64());
            Assert.Equal(0, summary.GetProperty("timeoutRetries").GetInt64());
            Assert.Equal(0, summary.GetProperty("crashRetries").GetInt64());
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    [Fact]
    public async Task RunAsync_NoRetries_ResultsSayOneAttemptAndSummaryHasNoRetries()
    {
        var text = await CliRunner.RunAsync("primes", "--ordered", "97", "-3");
        var json = await CliRunner.RunAsync("primes", "--json", "-3");

        Assert.DoesNotContain(text.OutLines, line => line.Contains("attempts", StringComparison.Ordinal) || line.StartsWith("retries:", StringComparison.Ordinal));
        using var item = JsonDocument.Parse(json.OutLines[0]);
        Assert.Equal(1, item.RootElement.GetProperty("attempts").GetInt32());
        using var summary = JsonDocument.Parse(json.OutLines[^1]);
        Assert.False(summary.RootElement.TryGetProperty("retries", out _));
    }

    [Fact]
    public async Task RunAsync_RetryTimeouts_TimedOutItemRunsAgainAndCountsAsTimeoutRetry()
    {
        // The largest prime below 2^63 needs about 10^9 trial divisions, far beyond a fifth of a second, on every attempt.
        var result = await CliRunner.RunAsync("primes", "--item-timeout", "0.2", "--retries", "1", "--retry-timeouts", "9223372036854775783");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.StartsWith("9223372036854775783: timed out: ", result.OutLines[0], StringComparison.Ordinal);
        Assert.EndsWith(" (2 attempts)", result.OutLines[0], StringComparison.Ordinal);
        Assert.Equal("retries: 1 (1 after a time-out, 0 after a worker crash)", result.OutLines[^1]);
    }

    [Fact]
    public async Task RunAsync_TimeoutWithoutRetryTimeouts_IsNotRetried()
    {
        var result = await CliRunner.RunAsync("primes", "--item-timeout", "0.2", "--retries", "3", "9223372036854775783");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.DoesNotContain("attempts", result.OutLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(result.OutLines, line => line.StartsWith("retries:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_MaxFailuresPassed_StopsEarlyPrintsResultsAndSaysSoOnStderr()
    {
        // Five failing numbers come first, then far more than one worker tests before the job stops at the third failure.
        var result = await CliRunner.RunAsync("primes", "--workers", "1", "--max-failures", "2", "--from", "-5", "--count", "100000000");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        var stop = Assert.Single(result.ErrorLines);
        var match = Regex.Match(stop, @"^grid: the job stopped early at its failure limit \(--max-failures 2\): ([3-5]) items failed, ([0-9]+) did not run$");
        Assert.True(match.Success, stop);
        Assert.Contains(result.OutLines, line => line.StartsWith("-5: error: ", StringComparison.Ordinal));
        var done = Assert.Single(result.OutLines, line => line.StartsWith("done: ", StringComparison.Ordinal));
        Assert.Equal(result.OutLines[^1], done);
        var ok = long.Parse(Regex.Match(done, @"^done: \d+ items?, (\d+) ok, ").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(100_000_000, ok + long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));

        // The items the stop cancelled are listed up to a bound; the rest are one line, and together they are the summary's count.
        var listed = result.OutLines.Count(line => line.Contains(": cancelled: ", StringComparison.Ordinal));
        Assert.InRange(listed, 0, JobOutput.MaxCancelledLines);
        var more = result.OutLines.Select(line => Regex.Match(line, @"^\.\.\. and (\d+) more items? cancelled, not listed$")).Where(m => m.Success).ToList();
        var unlisted = more.Count == 0 ? 0 : long.Parse(Assert.Single(more).Groups[1].Value, CultureInfo.InvariantCulture);
        var cancelled = long.Parse(Regex.Match(done, @" (\d+) cancelled in ").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(cancelled, listed + unlisted);
    }

    [Fact]
    public async Task RunAsync_MaxFailuresPassedJson_SummarySaysTheJobFailed()
    {
        var result = await CliRunner.RunAsync("primes", "--json", "--max-failures", "0", "--from", "-1", "--count", "100000000");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.Equal("summary", summary.RootElement.GetProperty("type").GetString());
        Assert.Equal("failed", summary.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, summary.RootElement.GetProperty("failed").GetInt64());
        var notRun = 100_000_000 - summary.RootElement.GetProperty("succeeded").GetInt64() - 1;
        Assert.True(notRun > 0);
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"grid: the job stopped early at its failure limit (--max-failures 0): 1 item failed, {notRun} did not run"),
            Assert.Single(result.ErrorLines));
        Assert.Contains("MaxFailures (0)", summary.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MaxFailuresNotPassed_RunsEveryItem()
    {
        var result = await CliRunner.RunAsync("primes", "--ordered", "--max-failures", "1", "97", "-3");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal("97 is prime", result.OutLines[0]);
        Assert.StartsWith("done: 2 items, 1 ok, 1 failed, 0 timed out, 0 cancelled in ", result.OutLines[^1], StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }
}
