using System.Text.Json;
using Grid.Cli;
using Grid.Cli.Benchmarking;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class BenchCommandTests
{
    // A run of w workers can be at most w times as fast as the serial run, but a loaded machine may slow the serial run more than
    // a grid run, so the bound has this much slack: it still catches a figure off by a unit (milliseconds for seconds) or a timer
    // that misses most of a run, while an honest figure passes it unless the serial run alone loses three quarters of its time.
    private const double SpeedupSlack = 4;

    [Fact]
    public void OddFifteenDigitNumbers_FixedSeed_SameOddFifteenDigitNumbersEveryTime()
    {
        var numbers = BenchWorkloads.OddFifteenDigitNumbers(50);

        Assert.Equal(numbers, BenchWorkloads.OddFifteenDigitNumbers(50));
        Assert.All(numbers, n => Assert.InRange(n, 100_000_000_000_001, 999_999_999_999_999));
        Assert.All(numbers, n => Assert.Equal(1, n % 2));
    }

    [Fact]
    public async Task RunAsync_ScriptedTimes_PrintsTheRatesSpeedupsAndEfficienciesOfThoseTimes()
    {
        // Serial 1.2 s, then 1.5 s with one worker and 0.8 s with two: 4 items make 3.3, 2.7 and 5.0 items/s,
        // speedups 1.2/1.5 = 0.80 and 1.2/0.8 = 1.50, efficiencies 0.80/1 = 80% and 1.50/2 = 75%.
        var clock = new ScriptedClock(TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.8));

        var result = await CliRunner.RunAsync(["bench", "--items", "4", "--workers", "2"], clock);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal(0, clock.Remaining);
        Assert.Equal($"is-prime: 4 items, serial in this process, then on the grid with 1 to 2 workers ({Environment.ProcessorCount} cores)", result.OutLines[0]);
        Assert.Equal(
            [
                ["workers", "wall", "time", "items/s", "speedup", "efficiency"],
                ["serial", "1.200", "s", "3.3", "1.00x", "-"],
                ["1", "1.500", "s", "2.7", "0.80x", "80%"],
                ["2", "0.800", "s", "5.0", "1.50x", "75%"],
            ],
            result.OutLines[1..].Select(Cells));
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_ScriptedTimesJson_WritesTheExactFiguresOfThoseTimes()
    {
        var clock = new ScriptedClock(TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.8));

        var result = await CliRunner.RunAsync(["bench", "--json", "--items", "4", "--workers", "2"], clock);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var lines = result.OutLines.Select(Parse).ToList();
        Assert.Equal(4, lines.Count);
        AssertRun(lines[0], "serial", workers: 0, wallSeconds: 1.2, itemsPerSecond: 4 / 1.2, speedup: 1, efficiency: 1);
        AssertRun(lines[1], "run", workers: 1, wallSeconds: 1.5, itemsPerSecond: 4 / 1.5, speedup: 0.8, efficiency: 0.8);
        AssertRun(lines[2], "run", workers: 2, wallSeconds: 0.8, itemsPerSecond: 4 / 0.8, speedup: 1.5, efficiency: 0.75);
        var summary = lines[3];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.Equal("is-prime", summary.GetProperty("kernel").GetString());
        Assert.Equal(4, summary.GetProperty("items").GetInt32());
        Assert.Equal(1.2, summary.GetProperty("serialSeconds").GetDouble(), 12);
        Assert.Equal(2, summary.GetProperty("bestWorkers").GetInt32());
        Assert.Equal(1.5, summary.GetProperty("bestSpeedup").GetDouble(), 12);
    }

    [Fact]
    public async Task RunAsync_FortyItemsTwoWorkers_EachRowsFiguresAgreeWithItsWallTime()
    {
        var result = await CliRunner.RunAsync("bench", "--kernel", "monte-carlo-pi", "--items", "40", "--workers", "2");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var rows = result.OutLines[2..].Select(Cells).ToList();
        Assert.Equal(["workers", "wall", "time", "items/s", "speedup", "efficiency"], Cells(result.OutLines[1]));
        Assert.Equal(["serial", "1", "2"], rows.Select(cells => cells[0]));
        Assert.All(rows, cells => Assert.Equal(6, cells.Length));
        var serialWall = PrintedFigure.Parse(rows[0][1]);
        Assert.Equal(["1.00x", "-"], rows[0][4..]);
        foreach (var cells in rows)
        {
            var row = string.Join(' ', cells);
            var wall = PrintedFigure.Parse(cells[1]);
            Assert.Equal("s", cells[2]);
            Assert.True(PrintedFigure.Parse(cells[3]).Agrees(new PrintedFigure(40, 40).Over(wall)), $"items/s is not 40 items / wall time: {row}");
            var speedup = PrintedFigure.Parse(cells[4]);
            Assert.True(speedup.Agrees(serialWall.Over(wall)), $"the speedup is not the serial wall time / this wall time: {row}");
            if (cells[0] != "serial")
            {
                var workers = int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(PrintedFigure.Parse(cells[5]).Agrees(speedup.Times(1.0 / workers)), $"the efficiency is not speedup / workers: {row}");
                Assert.True(speedup.Low > 0 && speedup.High <= workers * SpeedupSlack, $"a speedup of {cells[4]} with {workers} workers makes no sense: {row}");
            }
        }

        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_MonteCarloPiJson_FiguresAreTheRatiosOfTheWallTimes()
    {
        var result = await CliRunner.RunAsync("bench", "--json", "--kernel", "monte-carlo-pi", "--items", "2", "--workers", "2");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var lines = result.OutLines.Select(Parse).ToList();
        Assert.Equal(["serial", "run", "run", "summary"], lines.Select(line => line.GetProperty("type").GetString()));
        var serialSeconds = lines[0].GetProperty("wallSeconds").GetDouble();
        var runs = lines[..3];
        Assert.Equal([0, 1, 2], runs.Select(run => run.GetProperty("workers").GetInt32()));
        foreach (var run in runs)
        {
            var workers = run.GetProperty("workers").GetInt32();
            var wall = run.GetProperty("wallSeconds").GetDouble();
            var speedup = run.GetProperty("speedup").GetDouble();
            Assert.True(wall > 0, run.ToString());
            AssertClose(2 / wall, run.GetProperty("itemsPerSecond").GetDouble(), run);
            AssertClose(serialSeconds / wall, speedup, run);
            AssertClose(workers == 0 ? 1 : speedup / workers, run.GetProperty("efficiency").GetDouble(), run);
            Assert.Equal(0, run.GetProperty("failed").GetInt32());
            Assert.Equal(0, run.GetProperty("mismatched").GetInt32());
        }

        var summary = lines[3];
        var best = runs.Skip(1).MaxBy(run => run.GetProperty("speedup").GetDouble());
        Assert.Equal(serialSeconds, summary.GetProperty("serialSeconds").GetDouble());
        Assert.Equal(best.GetProperty("workers").GetInt32(), summary.GetProperty("bestWorkers").GetInt32());
        Assert.Equal(best.GetProperty("speedup").GetDouble(), summary.GetProperty("bestSpeedup").GetDouble());
        Assert.Equal(2, summary.GetProperty("items").GetInt32());
        Assert.Equal(Environment.ProcessorCount, summary.GetProperty("cores").GetInt32());
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    private static void AssertRun(JsonElement run, string type, int workers, double wallSeconds, double itemsPerSecond, double speedup, double efficiency)
    {
        Assert.Equal(type, run.GetProperty("type").GetString());
        Assert.Equal(workers, run.GetProperty("workers").GetInt32());
        AssertClose(wallSeconds, run.GetProperty("wallSeconds").GetDouble(), run);
        AssertClose(itemsPerSecond, run.GetProperty("itemsPerSecond").GetDouble(), run);
        AssertClose(speedup, run.GetProperty("speedup").GetDouble(), run);
        AssertClose(efficiency, run.GetProperty("efficiency").GetDouble(), run);
        Assert.Equal(0, run.GetProperty("failed").GetInt32());
        Assert.Equal(0, run.GetProperty("mismatched").GetInt32());
    }

    // The same quotient computed twice in doubles, or printed in JSON and read back: equal to a relative 1e-12.
    private static void AssertClose(double expected, double actual, JsonElement run)
        => Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"expected {expected}, got {actual}: {run}");
}
