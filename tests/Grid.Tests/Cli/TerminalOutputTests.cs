using System.Globalization;
using System.Text.RegularExpressions;
using Grid.Tests.Cluster;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cli;

/// <summary>The grid program as a person runs it: a live progress bar on a terminal, and plain lines without escape codes when its output is redirected.</summary>
/// <remarks>Both run the built <c>grid</c> program on an embedded silo of its own, over 200 numbers from 10^17, a few of them slow primes.</remarks>
[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class TerminalOutputTests
{
    private const int Count = 200;
    private const long From = ClusterWorkload.SlowPrimeStart;

    private static readonly string[] Primes = ["primes", "--count", "200", "--from", "100000000000000000"];

    [Fact]
    public async Task Primes_OnATerminal_DrawsALiveBarAndEndsWithTheDoneLine()
    {
        var (exitCode, screen) = await GridTerminal.RunAsync(Primes);
        var text = GridTerminal.Text(screen);
        var lines = GridTerminal.Lines(screen);

        Assert.True(exitCode == 0, text);

        // The bar is drawn while items still run (the slow primes take seconds, many times the bar's refresh), redrawn in place
        // (the cursor moves up over it) and left at 200/200 and 100%; its count never goes back, and the cursor it hides while
        // it runs is shown again.
        var frames = BarFrame().Matches(text).Select(m => int.Parse(m.Groups["done"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(frames.Count >= 2 && frames[0] < Count, $"no bar was drawn before the job ended:\n{text}");
        Assert.Equal(Count, frames[^1]);
        Assert.True(frames.SequenceEqual(frames.Order()), $"the bar's count went back: {string.Join(", ", frames)}");
        Assert.Matches(FinishedBar(), text);
        Assert.Matches(CursorUp(), screen);
        var hidden = screen.IndexOf("\u001b[?25l", StringComparison.Ordinal);
        var shown = screen.LastIndexOf("\u001b[?25h", StringComparison.Ordinal);
        Assert.True(hidden >= 0 && shown > hidden, "the cursor was not hidden while the bar ran and shown again after it");

        // Above the bar, one verdict for each number, each right.
        AssertVerdicts(lines.Where(line => Verdict().IsMatch(line)));

        // And last, the summary, its rate being the 200 items over its time.
        AssertDoneLine(lines[^1]);
    }

    [Fact]
    public async Task Primes_OutputRedirected_WritesPlainLinesWithoutEscapeCodes()
    {
        // The terminal type says colours would do: that the output is a pipe is what turns them off.
        using var grid = await GridProcess.StartAsync(
            new Dictionary<string, string> { ["GRID_CLUSTER"] = string.Empty, ["GRID_CLUSTER_NAME"] = string.Empty, ["TERM"] = "xterm-256color" },
            Primes);
        var output = grid.StandardOutput.ReadToEndAsync();
        var errors = grid.StandardError.ReadToEndAsync();
        await Task.WhenAll(output, errors, grid.WaitForExitAsync()).WaitAsync(TestLimits.Hang);

        Assert.True(grid.ExitCode == 0, await errors);
        Assert.Empty(await errors);
        Assert.DoesNotContain('\u001b', await output);
        Assert.DoesNotContain('\r', await output);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Count + 1, lines.Length);
        AssertVerdicts(lines[..^1]);
        AssertDoneLine(lines[^1]);
    }

    private static void AssertVerdicts(IEnumerable<string> lines)
    {
        var verdicts = lines.Select(line => Verdict().Match(line)).ToList();
        Assert.All(verdicts, v => Assert.True(v.Success, $"not a verdict: {v.Value}"));
        var numbers = verdicts.Select(v => long.Parse(v.Groups["n"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, Count).Select(i => From + i), numbers.Order());
        Assert.All(verdicts, v => Assert.True(
            ClusterWorkload.IsPrime(long.Parse(v.Groups["n"].Value, CultureInfo.InvariantCulture)) == !v.Groups["not"].Success,
            $"wrong verdict: {v.Value}"));
    }

    private static void AssertDoneLine(string line)
    {
        var done = DoneLine().Match(line);
        Assert.True(done.Success, $"the last line is not the done line of 200 good items: '{line}'");
        var seconds = PrintedFigure.Parse(done.Groups["seconds"].Value);
        Assert.True(
            PrintedFigure.Parse(done.Groups["rate"].Value).Agrees(new PrintedFigure(Count, Count).Over(seconds)),
            $"the rate is not 200 items over the time: '{line}'");
    }

    [GeneratedRegex(@"is-prime  (?<done>\d+)/200  \d+\.\d items/s  0 failed")]
    private static partial Regex BarFrame();

    [GeneratedRegex(@"is-prime  200/200  \d+\.\d items/s  0 failed ━+ 100%")]
    private static partial Regex FinishedBar();

    [GeneratedRegex(@"\x1b\[\d*A")]
    private static partial Regex CursorUp();

    [GeneratedRegex(@"^(?<n>\d+) is (?<not>not )?prime$")]
    private static partial Regex Verdict();

    [GeneratedRegex(@"^done: 200 items, 200 ok, 0 failed, 0 timed out, 0 cancelled in (?<seconds>\d+\.\d\d) s \((?<rate>\d+\.\d) items/s\)$")]
    private static partial Regex DoneLine();
}
