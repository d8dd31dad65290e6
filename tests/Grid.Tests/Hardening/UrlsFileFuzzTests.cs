using System.Text;
using Grid.Cli;
using Grid.Cli.Parsing;
using Grid.Tests.Cli;

namespace Grid.Tests.Hardening;

/// <summary>Guards the URL list of <c>grid fetch</c>: random and mutated files give their trimmed lines and nothing else, a line too long comes cut so the silo refuses it, and a garbage file ends in per-item errors.</summary>
[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class UrlsFileFuzzTests : IDisposable
{
    private const int Iterations = 800;

    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(
        "# URLs to fetch\nhttps://example.com/a\n\n   http://127.0.0.1:8080/b?q=1  \r\nhttps://[::1]/c\n\thttps://xn--nxasmq6b.example/d#frag\n# done\nnot a url\n");

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"grid-hardening-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void RandomBytes_GiveTheTrimmedLinesOfReadLineAndNothingElse()
    {
        var random = new Random(20261221);
        var alphabet = "htps:/.ab#? \t\r\n"u8.ToArray();
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            Check(i % 2 == 0 ? FuzzBytes.Random(random, 300) : FuzzBytes.RandomFrom(random, 300, alphabet), failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Fact]
    public void MutatedFiles_GiveTheTrimmedLinesOfReadLineAndNothingElse()
    {
        var random = new Random(20261222);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = FuzzBytes.Mutate(random, Valid, FuzzBytes.TextTokens);
            if (i % 40 == 0)
            {
                // Now and then a line longer than the limit, with spaces around it and inside it.
                var at = random.Next(bytes.Length + 1);
                var padding = new string(' ', random.Next(0, 3));
                var url = "http://a/" + new string('q', UrlsFile.MaxLineLength - random.Next(0, 20)) + padding + "z" + new string('w', random.Next(0, 30));
                bytes = [.. bytes[..at], .. Encoding.UTF8.GetBytes($"\n {url} \n"), .. bytes[at..]];
            }

            Check(bytes, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Fact]
    public void LinesOfSeveralMegabytes_ComeCutOnePastTheLimit()
    {
        var huge = "http://a/" + new string('x', 5 << 20);
        File.WriteAllText(_path, $"https://a/1\n{huge}\n   {huge}   \r{huge}");

        var lines = UrlsFile.Read(_path).ToList();

        Assert.Equal(["https://a/1", huge[..(UrlsFile.MaxLineLength + 1)], huge[..(UrlsFile.MaxLineLength + 1)], huge[..(UrlsFile.MaxLineLength + 1)]], lines);
        Assert.Equal(4, UrlsFile.Count(_path));
    }

    [Fact]
    public void LongLineWithSpacesAtTheCut_IsNeverShortEnoughToPassForAUrl()
    {
        // Cut at the limit and trimmed, this line would be a shorter URL than the one written; it must come as too long.
        var url = "http://a/" + new string('q', UrlsFile.MaxLineLength - 12) + "   " + "tail";
        File.WriteAllText(_path, "  " + url + "\n");

        var line = Assert.Single(UrlsFile.Read(_path));

        Assert.Equal(UrlsFile.MaxLineLength + 1, line.Trim().Length);
        Assert.EndsWith("t", line, StringComparison.Ordinal);
    }

    [Fact]
    public void CrOnlyLineEnds_SeparateTheUrls()
    {
        File.WriteAllBytes(_path, "\uFEFFhttps://a/1\rhttps://a/2\r\rhttps://a/3\r"u8.ToArray());

        Assert.Equal(["https://a/1", "https://a/2", "https://a/3"], UrlsFile.Read(_path));
        Assert.Equal(3, UrlsFile.Count(_path));
    }

    [Fact]
    public async Task Fetch_GarbageFile_FailsEachLineAsAnItemWithoutAStackTrace()
    {
        var random = new Random(20261223);
        using (var file = File.Create(_path))
        {
            for (var i = 0; i < 40; i++)
            {
                file.Write(FuzzBytes.Random(random, 60));
                file.Write(i % 3 == 0 ? "\r"u8 : "\n"u8);
            }

            file.Write(Encoding.UTF8.GetBytes("http://a/" + new string('x', 3 << 20)));
        }

        var lines = UrlsFile.Count(_path);

        var result = await CliRunner.RunAsync("fetch", _path, "--retries", "0");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.OutLines, line => line.StartsWith($"done: {lines} items, 0 ok, {lines} failed", StringComparison.Ordinal));
        var requests = Assert.Single(result.OutLines, line => line.StartsWith("requests:", StringComparison.Ordinal));
        Assert.Contains("url-too-long 1", requests, StringComparison.Ordinal);
        Assert.Contains($"malformed-url {lines - 1}", requests, StringComparison.Ordinal);
    }

    // Reads the bytes as the command does, and compares with TextReader.ReadLine's lines, trimmed, those too long cut as the reader documents.
    private void Check(byte[] bytes, List<string> failures)
    {
        File.WriteAllBytes(_path, bytes);
        var expected = Reference(bytes);
        try
        {
            var lines = UrlsFile.Read(_path).ToList();
            if (!lines.SequenceEqual(expected) || UrlsFile.Count(_path) != expected.Count)
            {
                failures.Add($"[{Convert.ToHexString(bytes[..Math.Min(bytes.Length, 400)])}]: {lines.Count} lines, expected {expected.Count}");
            }
        }
        catch (Exception exception)
        {
            failures.Add($"[{Convert.ToHexString(bytes[..Math.Min(bytes.Length, 400)])}]: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private static List<string> Reference(byte[] bytes)
    {
        using var decoder = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var reader = new StringReader(decoder.ReadToEnd());
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text.Length > UrlsFile.MaxLineLength)
            {
                var next = UrlsFile.MaxLineLength;
                while (char.IsWhiteSpace(text[next]))
                {
                    next++;
                }

                text = text[..UrlsFile.MaxLineLength] + text[next];
            }

            lines.Add(text);
        }

        return lines;
    }
}
