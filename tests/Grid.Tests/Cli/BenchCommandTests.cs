using System.Text.Json;
using Grid.Cli;
using Grid.Cli.Benchmarking;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class BenchCommandTests
{
    [Fact]
    public void OddFifteenDigitNumbers_FixedSeed_SameOddFifteenDigitNumbersEveryTime()
    {
        var numbers = BenchWorkloads.OddFifteenDigitNumbers(50);

        Assert.Equal(numbers, BenchWorkloads.OddFifteenDigitNumbers(50));
        Assert.All(numbers, n => Assert.InRange(n, 100_000_000_000_001, 999_999_999_999_999));
        Assert.All(numbers, n => Assert.Equal(1, n % 2));
    }

    [Fact]
    public async Task RunAsync_FourItemsTwoWorkers_PrintsRowsForSerialOneAndTwoWorkers()
    {
        var result = await CliRunner.RunAsync("bench", "--items", "4", "--workers", "2");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var rows = result.OutLines.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(cells => cells.Length > 0).ToList();
        Assert.Contains(rows, cells => cells[0] == "workers");
        Assert.Contains(rows, cells => cells[0] == "serial");
        Assert.Contains(rows, cells => cells[0] == "1" && cells[^2].EndsWith('x') && cells[^1].EndsWith('%'));
        Assert.Contains(rows, cells => cells[0] == "2" && cells[^2].EndsWith('x') && cells[^1].EndsWith('%'));
        Assert.DoesNotContain(rows, cells => cells[0] == "3");
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_MonteCarloPiJson_WritesSerialRunsAndSummary()
    {
        var result = await CliRunner.RunAsync("bench", "--json", "--kernel", "monte-carlo-pi", "--items", "2", "--workers", "2");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var types = result.OutLines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("type").GetString();
        });
        Assert.Equal(["serial", "run", "run", "summary"], types);
    }
}
