using System.Globalization;
using System.Text.Json;
using Grid.Cli;

namespace Grid.Tests.Cli;

/// <summary><c>grid status</c> without a cluster: the embedded silo it starts, idle, with the workers it was given.</summary>
[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class StatusCommandTests
{
    // The embedded silo runs in this process, named after the machine and the process as every silo is by default.
    private static readonly string SiloName = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    [Fact]
    public async Task RunAsync_EmbeddedSilo_PrintsItsOneIdleRowWithItsWorkers()
    {
        var result = await CliRunner.RunAsync("status", "--workers", "3");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal(2, result.OutLines.Length);
        Assert.Equal(["silo", "host", "state", "workers", "busy", "queued", "jobs", "chunks"], Cells(result.OutLines[0]));
        Assert.Equal(
            [SiloName, $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}", "Active", "3", "0", "0", "0", "0"],
            Cells(result.OutLines[1]));
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_EmbeddedSiloJson_WritesOneSiloObject()
    {
        var result = await CliRunner.RunAsync("--json", "status", "--workers", "3");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var line = Assert.Single(result.OutLines);
        using var document = JsonDocument.Parse(line);
        var silo = document.RootElement;
        Assert.Equal("silo", silo.GetProperty("type").GetString());
        Assert.Equal(SiloName, silo.GetProperty("name").GetString());
        Assert.Equal(Environment.MachineName, silo.GetProperty("host").GetString());
        Assert.Equal(Environment.ProcessId, silo.GetProperty("pid").GetInt32());
        Assert.Equal("Active", silo.GetProperty("state").GetString());
        Assert.Equal(3, silo.GetProperty("workerSlots").GetInt32());
        Assert.Equal(0, silo.GetProperty("busyWorkers").GetInt32());
        Assert.Equal(0, silo.GetProperty("jobs").GetInt32());
        Assert.Equal(0, silo.GetProperty("runningChunks").GetInt32());
        Assert.True(silo.GetProperty("started").GetDateTimeOffset() <= silo.GetProperty("lastSeen").GetDateTimeOffset(), line);
        Assert.Empty(result.Error);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
