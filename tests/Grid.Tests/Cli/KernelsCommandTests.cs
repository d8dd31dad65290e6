using System.Text.Json;
using Grid.Cli;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class KernelsCommandTests
{
    [Fact]
    public async Task RunAsync_BuiltInKernels_ListsEachWithItsTypes()
    {
        var result = await CliRunner.RunAsync("kernels");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var rows = result.OutLines.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Contains(rows, cells => cells is ["is-prime", "long", "bool"]);
        Assert.Contains(rows, cells => cells is ["monte-carlo-pi", "PiSample", "PiEstimate"]);
        Assert.Contains(rows, cells => cells is ["file-transform", "FileTransformRequest", "FileTransformResult"]);
        Assert.Contains(rows, cells => cells is ["sha256", "byte[]", "string"]);
    }

    [Fact]
    public async Task RunAsync_Json_WritesOneObjectPerKernel()
    {
        var result = await CliRunner.RunAsync("kernels", "--json");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var names = result.OutLines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("name").GetString();
        });
        Assert.Contains("is-prime", names);
        Assert.Contains("sha256", names);
    }
}
