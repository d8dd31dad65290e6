using System.Security.Cryptography;
using System.Text.Json;
using Grid.Cli;
using Grid.Tests.Cli;

namespace Grid.Tests.Fetch;

[Collection(FetchCollection.Name)]
[Trait("Category", "Fast")]
public sealed class FetchCommandTests(FetchFixture fixture) : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"grid-fetch-cli-{Guid.NewGuid():N}")).FullName;

    private FetchTestServer Server => fixture.Server;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string UrlsFile(params string[] lines)
    {
        var path = Path.Combine(_root, $"urls-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Fetch_FileWithGoodAndBadLines_PrintsEachResultAndTheSummary()
    {
        var ok = Server.Url("/ok?size=4");
        var missing = Server.Url("/status/404");
        var file = UrlsFile("# a comment", ok, string.Empty, "   ", missing, "not a url", Server.Url("/ok?q=" + new string('a', 20_000)));

        var result = await CliRunner.RunAsync("fetch", file, "--retries", "0");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Contains(result.OutLines, line => line.StartsWith($"{ok} 200 4 bytes ", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.StartsWith($"{missing}: error: ", StringComparison.Ordinal) && line.Contains("404", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.StartsWith("not a url: error: ", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.StartsWith("done: 4 items, 1 ok, 3 failed", StringComparison.Ordinal));
        var requests = Assert.Single(result.OutLines, line => line.StartsWith("requests:", StringComparison.Ordinal));
        Assert.Contains("1 ok, failed by reason: ", requests, StringComparison.Ordinal);
        Assert.Contains("http-404 1", requests, StringComparison.Ordinal);
        Assert.Contains("malformed-url 1", requests, StringComparison.Ordinal);
        Assert.Contains("url-too-long 1", requests, StringComparison.Ordinal);
        Assert.Contains("4 bytes; latency p50 ", requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Json_WritesResultLinesThenASummaryWithReasonsAndLatency()
    {
        var file = UrlsFile(Server.Url("/ok?size=3"), Server.Url("/status/500"));

        var result = await CliRunner.RunAsync("fetch", file, "--json", "--retries", "1", "--concurrency", "2", "--per-host", "1");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal(3, result.OutLines.Length);
        var results = result.OutLines[..2].Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var ok = Assert.Single(results, r => r.GetProperty("status").GetString() == "ok");
        Assert.Equal(200, ok.GetProperty("value").GetProperty("statusCode").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("ggg"u8)), ok.GetProperty("value").GetProperty("sha256").GetString());
        var failed = Assert.Single(results, r => r.GetProperty("status").GetString() == "failed");
        Assert.Equal("http-500", failed.GetProperty("error").GetProperty("type").GetString());
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.Equal("summary", summary.RootElement.GetProperty("type").GetString());
        Assert.Equal(1, summary.RootElement.GetProperty("failureReasons").GetProperty("http-500").GetInt64());
        Assert.True(summary.RootElement.GetProperty("latencyP99Ms").GetDouble() >= summary.RootElement.GetProperty("latencyP50Ms").GetDouble());
        Assert.Equal(3, summary.RootElement.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Fetch_Out_SavesEachBody()
    {
        var outDir = Path.Combine(_root, "bodies");
        var file = UrlsFile(Server.Url("/ok?size=6"));

        var result = await CliRunner.RunAsync("fetch", file, "--out", outDir);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal("gggggg", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(outDir))));
    }

    [Fact]
    public async Task Fetch_MissingFile_ExitsTwoWithOneLine()
    {
        var missing = Path.Combine(_root, "nope.txt");

        var result = await CliRunner.RunAsync("fetch", missing);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid fetch: URL file '{missing}' does not exist"], result.ErrorLines);
    }

    [Theory]
    [InlineData("--concurrency", "0", "--concurrency must be a whole number from 1 to 100000; got '0'")]
    [InlineData("--retries", "-1", "--retries must be a whole number from 0 to 100; got '-1'")]
    [InlineData("--per-host", "x", "--per-host must be a whole number from 1 to 100000; got 'x'")]
    public async Task Fetch_BadOption_ExitsTwoNamingIt(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("fetch", UrlsFile("http://127.0.0.1/"), option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid: {message}"], result.ErrorLines);
    }

    [Fact]
    public async Task Upload_Folder_SendsEveryFileWhole()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "up", "nested")).Parent!.FullName;
        var a = RandomNumberGenerator.GetBytes(70_000);
        var b = RandomNumberGenerator.GetBytes(3);
        await File.WriteAllBytesAsync(Path.Combine(dir, "a.bin"), a);
        await File.WriteAllBytesAsync(Path.Combine(dir, "nested", "b.bin"), b);
        var id = Guid.NewGuid().ToString("N");

        var result = await CliRunner.RunAsync("upload", dir, Server.Url($"/upload/{id}/"), "--method", "post", "--concurrency", "2");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(a)), Server.Uploads[$"{id}/a.bin"].Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(b)), Server.Uploads[$"{id}/nested/b.bin"].Sha256);
        Assert.Equal("POST", Server.Uploads[$"{id}/a.bin"].Method);
        Assert.Contains(result.OutLines, line => line.StartsWith("nested/b.bin 201 3 bytes", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.StartsWith("requests: 2 ok, none failed; 70003 bytes;", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--method", "GET", "grid: --method must be PUT or POST; got 'GET'")]
    [InlineData("--timeout", "0", "grid: --timeout must be a positive number of seconds; got '0'")]
    public async Task Upload_BadOption_ExitsTwoNamingIt(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("upload", _root, "http://127.0.0.1/", option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([message], result.ErrorLines);
    }

    [Fact]
    public async Task Upload_BadUrl_ExitsTwoWithOneLine()
    {
        var result = await CliRunner.RunAsync("upload", _root, "ftp://example.com/");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal(["grid upload: URL 'ftp://example.com/' is not an absolute http or https URL"], result.ErrorLines);
    }
}
