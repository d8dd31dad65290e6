using System.Globalization;
using System.Text.Json;
using Grid.Cli;
using Grid.Cli.Commands;
using Grid.Kernels;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class PiCommandTests
{
    [Fact]
    public void Split_SamplesNotAMultipleOfChunk_LastItemTakesTheRest()
    {
        var items = PiCommand.Split(samples: 2_500_000, chunk: 1_000_000, seed: 10);

        Assert.Equal([new PiSample(10, 1_000_000), new PiSample(11, 1_000_000), new PiSample(12, 500_000)], items.Enumerate());
    }

    [Fact]
    public void Split_ChunkLargerThanSamples_MakesOneItem()
    {
        Assert.Equal([new PiSample(1, 300)], PiCommand.Split(samples: 300, chunk: 1_000_000, seed: 1).Enumerate());
    }

    [Fact]
    public async Task RunAsync_SmallSamples_PrintsEstimate()
    {
        var result = await CliRunner.RunAsync("pi", "--samples", "40000", "--chunk", "10000", "--seed", "7");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var estimateLine = Assert.Single(result.OutLines, line => line.StartsWith("estimate: ", StringComparison.Ordinal));
        var estimate = double.Parse(estimateLine.Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(estimate, 2.9, 3.4);
        Assert.Contains(result.OutLines, line => line.StartsWith("error vs Math.PI: ", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.StartsWith("samples/s: ", StringComparison.Ordinal));
        Assert.StartsWith("done: 4 items, 4 ok, ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Json_SummaryCarriesEstimateOverAllSamples()
    {
        var result = await CliRunner.RunAsync("pi", "--json", "--samples", "25000", "--chunk", "10000");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(4, result.OutLines.Length);
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        var estimate = summary.RootElement.GetProperty("estimate");
        Assert.Equal(25_000, estimate.GetProperty("samples").GetInt64());
        Assert.InRange(estimate.GetProperty("pi").GetDouble(), 2.9, 3.4);
    }
}
