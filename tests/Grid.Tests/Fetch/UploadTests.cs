using System.Security.Cryptography;
using Grid.Client;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Fetch;

[Collection(FetchCollection.Name)]
[Trait("Category", "Fast")]
public sealed class UploadTests(FetchFixture fixture) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"grid-upload-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    private FetchTestServer Server => fixture.Server;

    private string Root => Directory.CreateDirectory(_root).FullName;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string MakeFolder(string name, int files)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(folder, "sub dir"));
        for (var i = 0; i < files; i++)
        {
            var relative = i % 3 == 0 ? $"sub dir/file {i}.bin" : $"file-{i}.bin";
            var bytes = RandomNumberGenerator.GetBytes(1000 + (i * 7919 % 300_000));
            File.WriteAllBytes(Path.Combine(folder, relative), bytes);
            _hashes[$"{name}/{relative}"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        return folder;
    }

    [Fact]
    public async Task Upload_Folder_EveryFileArrivesWhole()
    {
        var folder = MakeFolder("whole", 12);

        var job = fixture.Client.Upload(folder, Server.Url("/upload/whole/"), new UploadOptions { MaxConcurrency = 4 });
        var results = await job.ReadAllAsync();

        Assert.Equal(12, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
        foreach (var (path, sha) in _hashes)
        {
            Assert.True(Server.Uploads.TryGetValue(path, out var upload), $"{path} never arrived.");
            Assert.Equal(sha, upload.Sha256);
            Assert.Equal("PUT", upload.Method);
        }

        var sample = results.Single(r => r.Value!.File == "sub dir/file 0.bin").Value!;
        Assert.Equal(201, sample.StatusCode);
        Assert.Equal(new FileInfo(Path.Combine(folder, "sub dir", "file 0.bin")).Length, sample.Bytes);
        Assert.Equal(Server.Url("/upload/whole/sub%20dir/file%200.bin"), sample.Url);
    }

    [Fact]
    public async Task Upload_PostToATemplate_SendsEachFileWithPost()
    {
        var folder = MakeFolder("post", 2);

        var results = await fixture.Client.Upload(folder, Server.Url("/upload/post/{path}"), new UploadOptions { Method = UploadMethod.Post, Recursive = false }).ReadAllAsync();

        Assert.Single(results);
        Assert.Equal("POST", Server.Uploads["post/file-1.bin"].Method);
    }

    [Fact]
    public async Task Upload_UnreadableFile_IsThatItemsErrorAndTheOthersArrive()
    {
        // Root reads every file whatever its mode, so the unreadable entry is a link to nothing: listed as a file, impossible to open.
        var folder = MakeFolder("unreadable", 3);
        File.CreateSymbolicLink(Path.Combine(folder, "dangling.bin"), Path.Combine(folder, "gone.bin"));

        var job = fixture.Client.Upload(folder, Server.Url("/upload/unreadable/"));
        var results = await job.ReadAllAsync();

        var bad = Assert.Single(results, r => !r.IsSuccess);
        Assert.Equal(FetchReasons.FileUnreadable, bad.Value!.Reason);
        Assert.Equal("dangling.bin", bad.Value.File);
        Assert.Contains("dangling.bin", bad.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.False(Server.Uploads.ContainsKey("unreadable/dangling.bin"));
        Assert.Equal(1, (await job.Summary).FailureReasons![FetchReasons.FileUnreadable]);
    }

    [Fact]
    public async Task Upload_HostedSiloWithoutRoots_RefusesTheJob()
    {
        var folder = MakeFolder("noroots", 1);
        await using var cluster = await FetchFixture.StartClusterAsync(o => o.AllowAnyFolder = false);

        var error = await Assert.ThrowsAsync<GridException>(() => cluster.Client.Upload(folder, Server.Url("/upload/noroots/")).ReadAllAsync());

        Assert.Contains("Grid:Fetch:UploadRoots lists no folders", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Uploads.Keys, k => k.StartsWith("noroots/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_FolderOutsideTheRoots_RefusesTheJob()
    {
        var folder = MakeFolder("outside", 1);
        var allowed = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        await using var cluster = await FetchFixture.StartClusterAsync(o =>
        {
            o.AllowAnyFolder = false;
            o.UploadRoots = [allowed];
        });

        var error = await Assert.ThrowsAsync<GridException>(() => cluster.Client.Upload(folder, Server.Url("/upload/outside/")).ReadAllAsync());

        Assert.Contains("is not under a folder this silo allows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_LinkOutOfTheRoot_IsThatItemsError()
    {
        var folder = MakeFolder("linked", 1);
        var secret = Path.Combine(_root, "secret.txt");
        await File.WriteAllTextAsync(secret, "not for upload");
        File.CreateSymbolicLink(Path.Combine(folder, "escape.txt"), secret);
        await using var cluster = await FetchFixture.StartClusterAsync(o =>
        {
            o.AllowAnyFolder = false;
            o.UploadRoots = [folder];
        });

        var results = await cluster.Client.Upload(folder, Server.Url("/upload/linked/")).ReadAllAsync();

        var bad = Assert.Single(results, r => !r.IsSuccess);
        Assert.Equal(FetchReasons.FileOutsideFolder, bad.Value!.Reason);
        Assert.False(Server.Uploads.ContainsKey("linked/escape.txt"));
        Assert.Single(results, r => r.IsSuccess);
    }

    [Fact]
    public void Upload_MissingFolder_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Client.Upload(Path.Combine(_root, "missing"), "http://127.0.0.1/"));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upload_TargetNotHttp_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Client.Upload(Root, "ftp://example.com/"));

        Assert.Contains("absolute http or https URL", error.Message, StringComparison.Ordinal);
    }
}
