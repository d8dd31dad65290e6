using System.Text;
using Grid.Fetch;

namespace Grid.Tests.Fetch;

/// <summary>The last guard of a saved body: a name that is not one file directly inside the save folder fails the item as save-failed and writes nothing anywhere, while any name Linux takes lands exactly at folder/name.</summary>
/// <remarks><see cref="SafeFileName"/> never makes such names; these tests feed the guard directly, as a change of the naming could.</remarks>
[Trait("Category", "Fast")]
public sealed class BodyFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"grid-body-file-{Guid.NewGuid():N}");
    private readonly string _folder;

    public BodyFileTests()
    {
        _folder = Path.Combine(_root, "save");
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("../save-sibling")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("/tmp/grid-body-file-escape")]
    [InlineData("sub/x")]
    [InlineData("a/../../x")]
    [InlineData("x/")]
    [InlineData("a\0b")]
    [InlineData("..\0")]
    [InlineData("x\0/../../etc/passwd")]
    public void Create_NameThatIsNotOneFileInTheFolder_FailsAsSaveFailedWritingNothing(string name)
    {
        var failure = Assert.Throws<FetchFailure>(() => BodyFile.Create(_folder, name));

        Assert.Equal(FetchReasons.SaveFailed, failure.Reason);
        Assert.Equal(Grid.Jobs.ItemStatus.Failed, failure.Status);
        Assert.False(failure.Transient);
        Assert.Equal([_folder], Directory.GetFileSystemEntries(_root));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
        Assert.False(File.Exists("/tmp/grid-body-file-escape"));
    }

    [Fact]
    public void Create_NameOfTenThousandCharacters_FailsAsSaveFailedWritingNothing()
    {
        var failure = Assert.Throws<FetchFailure>(() => BodyFile.Create(_folder, new string('n', 10_000)));

        Assert.Equal(FetchReasons.SaveFailed, failure.Reason);
        Assert.False(failure.Transient);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("CON")]
    [InlineData("nul")]
    [InlineData("COM1.log")]
    [InlineData("NUL.tar.gz")]
    [InlineData("name.")]
    [InlineData("name. ")]
    [InlineData(" ")]
    [InlineData("...")]
    [InlineData(".hidden")]
    [InlineData("a\uFF0Fb")]
    [InlineData("a\u2215b")]
    [InlineData("a\u2044b")]
    [InlineData("\u2024\u2024")]
    [InlineData("invoice\u202Efdp.exe")]
    [InlineData("line\nbreak\ttab\u0001\u001b")]
    [InlineData("back\\slash")]
    public async Task Create_AnyNameLinuxTakes_SavesTheBodyAtFolderSlashName(string name)
    {
        var file = BodyFile.Create(_folder, name);
        string saved;
        await using (file)
        {
            await file.WriteAsync("body"u8.ToArray(), CancellationToken.None);
            saved = await file.CommitAsync();
        }

        Assert.Equal(Path.Combine(_folder, name), saved);
        Assert.Equal(_folder, Path.GetDirectoryName(Path.GetFullPath(saved)));
        Assert.Equal("body", await File.ReadAllTextAsync(saved, Encoding.UTF8));
        Assert.Equal([saved], Directory.GetFileSystemEntries(_folder));
        Assert.Equal([_folder], Directory.GetFileSystemEntries(_root));
    }
}
