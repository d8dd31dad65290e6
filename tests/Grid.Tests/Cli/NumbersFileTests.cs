using Grid.Cli;
using Grid.Cli.Parsing;

namespace Grid.Tests.Cli;

[Trait("Category", "Fast")]
public sealed class NumbersFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"grid-numbers-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task ReadAsync_CommentsAndBlankLines_AreSkipped()
    {
        using var reader = new StringReader("# the seed's numbers\n\n112272535095293\n  112582705942171  \n# done\n-3\r\n");

        var numbers = await NumbersFile.ReadAsync(reader, "numbers.txt", CancellationToken.None);

        Assert.Equal([112272535095293, 112582705942171, -3], numbers);
    }

    [Fact]
    public async Task ReadAsync_BadLine_ThrowsNamingLineAndFile()
    {
        using var reader = new StringReader("1\n2\n\n# three\n5\n6\nabc\n8\n");

        var error = await Assert.ThrowsAsync<UsageException>(() => NumbersFile.ReadAsync(reader, "numbers.txt", CancellationToken.None));

        Assert.Equal("grid: line 7 of numbers.txt: 'abc' is not a whole number", error.Message);
    }

    [Fact]
    public async Task RunAsync_FileWithBadLine_ExitsTwoWithOneLine()
    {
        await File.WriteAllTextAsync(_path, "# numbers\n97\n\nabc\n101\n");

        var result = await CliRunner.RunAsync("primes", "--file", _path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid: line 4 of {_path}: 'abc' is not a whole number"], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitsTwoWithOneLine()
    {
        var result = await CliRunner.RunAsync("primes", "--file", _path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid primes: file '{_path}' does not exist"], result.ErrorLines);
    }
}
