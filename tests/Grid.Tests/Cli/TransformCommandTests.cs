using System.Text.Json;
using Grid.Cli;
using Grid.Cli.Commands;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class TransformCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"grid-transform-{Guid.NewGuid():N}");
    private readonly string _in;
    private readonly string _out;

    public TransformCommandTests()
    {
        _in = Path.Combine(_root, "in");
        _out = Path.Combine(_root, "out");
        Directory.CreateDirectory(Path.Combine(_in, "sub"));
        File.WriteAllText(Path.Combine(_in, "a.txt"), string.Concat(Enumerable.Repeat("grid transforms files\n", 100)));
        File.WriteAllText(Path.Combine(_in, "b.csv"), "x,y\n1,2\n");
        File.WriteAllText(Path.Combine(_in, "sub", "c.txt"), "nested\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task RunAsync_Folder_WritesGzipAndHashOfEachTopLevelFile()
    {
        var result = await CliRunner.RunAsync("transform", _in, _out);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_out, "a.txt.gz")));
        Assert.True(File.Exists(Path.Combine(_out, "a.txt.sha256")));
        Assert.True(File.Exists(Path.Combine(_out, "b.csv.gz")));
        Assert.False(Directory.Exists(Path.Combine(_out, "sub")));
        Assert.Equal(2, result.ResultLines.Length);
        Assert.Contains(result.ResultLines, line => line.StartsWith("a.txt -> ", StringComparison.Ordinal));
        Assert.StartsWith("done: 2 items, 2 ok, ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Recursive_KeepsRelativeFolders()
    {
        var result = await CliRunner.RunAsync("transform", "--recursive", _in, _out);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_out, "a.txt.gz")));
        Assert.True(File.Exists(Path.Combine(_out, "sub", "c.txt.gz")));
        Assert.True(File.Exists(Path.Combine(_out, "sub", "c.txt.sha256")));
    }

    [Fact]
    public async Task RunAsync_Json_WritesResultsThenSummary()
    {
        var result = await CliRunner.RunAsync("transform", "--json", _in, _out);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(3, result.OutLines.Length);
        using var first = JsonDocument.Parse(result.OutLines[0]);
        Assert.Equal("ok", first.RootElement.GetProperty("status").GetString());
        Assert.True(File.Exists(first.RootElement.GetProperty("value").GetProperty("outputPath").GetString()));
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.Equal(2, summary.RootElement.GetProperty("succeeded").GetInt64());
    }

    [Fact]
    public async Task RunAsync_OutputInsideInputWithRecursive_ExitsTwoWithOneLine()
    {
        var inside = Path.Combine(_in, "out");

        var result = await CliRunner.RunAsync("transform", "--recursive", _in, inside);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid transform: output folder '{inside}' is inside input folder '{_in}'; with --recursive its files would be read as inputs"], result.ErrorLines);
        Assert.False(Directory.Exists(inside));
    }

    [Fact]
    public async Task RunAsync_EmptyFolder_SaysSoAndExitsZero()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        var result = await CliRunner.RunAsync("transform", empty, _out);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal([$"grid transform: no files in '{empty}'; nothing to do"], result.ErrorLines);
        Assert.Equal(["done: 0 items, 0 ok, 0 failed, 0 timed out, 0 cancelled in 0.00 s (0.0 items/s)"], result.OutLines);
    }

    [Fact]
    public void FindFiles_NotRecursive_ListsTopLevelFilesSorted()
    {
        var files = TransformCommand.FindFiles(_in, _out, recursive: false);

        Assert.Equal([Path.Combine(_in, "a.txt"), Path.Combine(_in, "b.csv")], files);
    }

    [Fact]
    public void FindFiles_OutputInsideInputWithoutRecursive_IsAllowed()
    {
        var files = TransformCommand.FindFiles(_in, Path.Combine(_in, "sub"), recursive: false);

        Assert.Equal(2, files.Count);
    }
}
