using System.Text;
using Grid.Fetch;

namespace Grid.Tests.Fetch;

/// <summary>Whatever URL a fetch job saves, its body's file name is one valid Linux name of at most 255 bytes that lands inside the save folder, and no two items of one job share a name.</summary>
/// <remarks>
/// Each name is also written for real through <see cref="BodyFile"/> (temporary file, then rename) into a fresh folder, so "valid" means the
/// file system took it, and "inside" is checked on the full path the file ended up at.
/// </remarks>
[Trait("Category", "Fast")]
public sealed class SafeFileNameTests : IDisposable
{
    // Indexes as small and as long as an item's index gets: the index starts every name.
    private static readonly long[] Indexes = [0, 42, long.MaxValue];

    private static readonly string[] WindowsDevices = ["CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT9"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"grid-safe-name-{Guid.NewGuid():N}");
    private readonly string _folder;

    public SafeFileNameTests()
    {
        _folder = Path.Combine(_root, "save");
        Directory.CreateDirectory(_folder);
    }

    /// <summary>URLs whose path, query or host try to name another folder, an invalid or reserved name, or an over-long one.</summary>
    public static TheoryData<string> HostileUrls => new()
    {
        "http://example.com/..",
        "http://example.com/../x",
        "http://example.com/../../../../etc/passwd",
        "http://example.com/%2e%2e/%2e%2e/etc/passwd",
        "http://example.com/..%2f..%2fetc%2fpasswd",
        "http://example.com/%2E%2E%5C%2E%2E%5Cwindows%5Cwin.ini",
        "http://example.com//etc/passwd",
        "http://example.com/x?../../etc/passwd",
        "http://example.com/x?/etc/passwd",
        "http://example.com/x#../../etc/passwd",
        "file:///etc/passwd",
        "http://example.com/a%00b",
        "http://example.com/%00",
        "http://example.com/a%0a%0d%09%1b%7fb",
        "http://example.com/" + new string('a', 10_000),
        "http://example.com/?" + new string('q', 10_000),
        "http://" + string.Join('.', Enumerable.Repeat(new string('h', 63), 3)) + "/" + new string('p', 300),
        "http://example.com/CON",
        "http://example.com/NUL",
        "http://example.com/COM1",
        "http://example.com/con.txt",
        "http://example.com/NUL.tar.gz",
        "http://example.com/COM1.log",
        "http://example.com/LPT9.",
        "http://example.com/name.",
        "http://example.com/name...",
        "http://example.com/name%20%20",
        "http://example.com/name.%20.",
        "http://example.com/%20",
        "http://example.com/.",
        "http://example.com/...",
        "http://example.com/a\uFF0Fb",
        "http://example.com/a\u2215b",
        "http://example.com/a\u2044b",
        "http://example.com/\u2024\u2024",
        "http://example.com/\u2024\u2024/\u2024\u2024/etc/passwd",
        "http://example.com/invoice\u202Efdp.exe",
        "http://\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com/x",
        "http://b\u00FCcher.example/x",
        "http://[::1]:8080/x",
        "http://user:pass@example.com/x",
    };

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task For_HostileUrl_IsOneValidBoundedNameThatSavesInsideTheFolder(string url)
    {
        var uri = new Uri(url);
        var names = Indexes.Select(index => SafeFileName.For(index, uri)).ToList();

        for (var i = 0; i < Indexes.Length; i++)
        {
            AssertSafe(names[i], Indexes[i]);
            var saved = await SaveAsync(names[i], $"body {i}");
            Assert.Equal(Path.Combine(_folder, names[i]), saved);
            Assert.Equal(_folder, Path.GetDirectoryName(Path.GetFullPath(saved)));
            Assert.Equal($"body {i}", await File.ReadAllTextAsync(saved));
        }

        // Nothing landed beside the folder, and the folder holds the three bodies under their own names only (no temporary file).
        Assert.Equal([_folder], Directory.GetFileSystemEntries(_root));
        Assert.Equal(names.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task For_UrlsWhoseNamesDifferOnlyInReplacedOrCutCharacters_GiveEachItemOfAJobItsOwnFile()
    {
        var longPath = "http://example.com/" + new string('p', 400);
        string[] urls =
        [
            "http://example.com/a/b", "http://example.com/a_b", "http://example.com/a//b", "http://example.com/a~b",
            "http://example.com/a;b", "http://example.com/a?b", "http://example.com/a=b", "http://example.com/a:b",
            longPath + "/1", longPath + "/2", longPath + "?3",
        ];

        var names = urls.Select((url, index) => SafeFileName.For(index, new Uri(url))).ToList();
        foreach (var (name, index) in names.Select((name, index) => (name, index)))
        {
            await SaveAsync(name, urls[index]);
        }

        // The text after the index is the same within each group: only the item's index tells their files apart, and it does.
        Assert.Single(names.Take(8).Select(WithoutIndex).Distinct());
        Assert.Single(names.Skip(8).Select(WithoutIndex).Distinct());
        Assert.Equal(urls.Length, names.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < urls.Length; i++)
        {
            Assert.Equal(urls[i], await File.ReadAllTextAsync(Path.Combine(_folder, names[i])));
        }

        Assert.Equal(urls.Length, Directory.GetFiles(_folder).Length);
    }

    private static string WithoutIndex(string name) => name[(name.IndexOf('-', StringComparison.Ordinal) + 1)..];

    private static void AssertSafe(string name, long index)
    {
        Assert.StartsWith($"{index}-", name, StringComparison.Ordinal);
        Assert.NotEqual(".", name);
        Assert.NotEqual("..", name);
        Assert.All(name, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_', $"'{name}' holds U+{(int)c:X4}."));
        Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 255);
        Assert.InRange(name.Length, 1, index.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1 + SafeFileName.MaxLength);

        // Portable too: Windows drops a trailing dot or space, and reserves device names even with an extension.
        Assert.False(name.EndsWith('.') || name.EndsWith(' '), $"'{name}' ends with a dot or a space.");
        Assert.DoesNotContain(name.Split('.')[0], WindowsDevices, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<string> SaveAsync(string name, string body)
    {
        var file = BodyFile.Create(_folder, name);
        await using (file)
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(body), CancellationToken.None);
            return await file.CommitAsync();
        }
    }
}
