using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Grid.Kernels;
using Grid.Kernels.BuiltIn;

namespace Grid.Tests.Kernels;

/// <summary>Whatever the input file is called or however its path is written, file-transform writes NAME.gz and NAME.sha256 directly inside the output folder, or fails the item with a clear error and leaves no file.</summary>
/// <remarks>Only the input's last name is used, so no input path can steer the outputs elsewhere; a name Linux takes is kept as it is, up to the 255 bytes a file name may have with its suffix.</remarks>
[Trait("Category", "Fast")]
public sealed class FileTransformKernelNameTests : IDisposable
{
    /// <summary>The longest name of one file on Linux, in bytes.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>The longest input name whose outputs Linux takes: NAME.sha256 is 7 bytes longer.</summary>
    private const int MaxInputNameBytes = MaxNameBytes - 7;

    private readonly FileTransformKernel _kernel = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "grid-transform-names-" + Guid.NewGuid().ToString("N"));
    private readonly string _inputDirectory;
    private readonly string _outputDirectory;

    public FileTransformKernelNameTests()
    {
        _inputDirectory = Path.Combine(_root, "in");
        _outputDirectory = Path.Combine(_root, "out");
        Directory.CreateDirectory(_inputDirectory);
    }

    /// <summary>Names Linux takes that other systems reserve, that look like separators or dots, that hide their end, or that hold control characters; and names as long as their outputs allow.</summary>
    public static TheoryData<string> OddNames => new()
    {
        "CON", "nul", "COM1.log", "NUL.tar.gz", "LPT9.", "name.", "name. ", " ", "...", ".hidden",
        "a\uFF0Fb", "a\u2215b", "a\u2044b", "\u2024\u2024", "\u2024\u2024\u2215etc\u2215passwd", "invoice\u202Efdp.exe",
        "line\nbreak", "tab\tctl\u0001\u001b\u007f", "back\\slash", "x.gz",
        new string('n', MaxInputNameBytes),
        string.Concat(Enumerable.Repeat("\u00E9", (MaxInputNameBytes) / 2)),
        new string('m', 220),
    };

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [MemberData(nameof(OddNames))]
    public void Execute_OddInputName_WritesNameDotGzAndNameDotSha256InsideTheOutputFolder(string name)
    {
        var bytes = Encoding.UTF8.GetBytes("contents of " + name);
        var inputPath = Path.Combine(_inputDirectory, name);
        File.WriteAllBytes(inputPath, bytes);

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        AssertOutputs(result, name, bytes);
    }

    [Theory]
    [InlineData("sub/../x.txt")]
    [InlineData("./sub/./../x.txt")]
    [InlineData("sub//..//x.txt")]
    [InlineData("../in/x.txt")]
    public void Execute_InputPathWithDotSegments_WritesOnlyItsLastNameInsideTheOutputFolder(string relative)
    {
        Directory.CreateDirectory(Path.Combine(_inputDirectory, "sub"));
        var bytes = "x"u8.ToArray();
        File.WriteAllBytes(Path.Combine(_inputDirectory, "x.txt"), bytes);

        var result = _kernel.Execute(new FileTransformRequest(Path.Combine(_inputDirectory, relative), _outputDirectory), CancellationToken.None);

        AssertOutputs(result, "x.txt", bytes);
    }

    [Fact]
    public void Execute_InputOutsideTheInputFolder_StillWritesInsideTheOutputFolder()
    {
        var deep = Path.Combine(_root, "elsewhere", "deeper");
        Directory.CreateDirectory(deep);
        var bytes = "far"u8.ToArray();
        File.WriteAllBytes(Path.Combine(deep, "far.txt"), bytes);

        // Absolute, and relative to the output folder: the output stays out/far.txt.gz either way.
        var absolute = _kernel.Execute(new FileTransformRequest(Path.Combine(deep, "far.txt"), _outputDirectory), CancellationToken.None);
        AssertOutputs(absolute, "far.txt", bytes);
        var climbing = _kernel.Execute(
            new FileTransformRequest(Path.Combine(_outputDirectory, "..", "elsewhere", "deeper", "..", "deeper", "far.txt"), _outputDirectory), CancellationToken.None);
        AssertOutputs(climbing, "far.txt", bytes);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("/")]
    [InlineData("sub/")]
    [InlineData("sub/..")]
    [InlineData("x.txt/..")]
    public void Execute_InputThatIsAFolder_ThrowsNamingItAndWritesNothing(string relative)
    {
        // .NET resolves ".." by the text, as a shell's cd does: x.txt/.. is the folder x.txt sits in.
        Directory.CreateDirectory(Path.Combine(_inputDirectory, "sub"));
        File.WriteAllBytes(Path.Combine(_inputDirectory, "x.txt"), "x"u8.ToArray());
        var inputPath = relative == "/" ? "/" : Path.Combine(_inputDirectory, relative);

        var error = Assert.Throws<ArgumentException>(() => _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None));

        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_outputDirectory));
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("x.txt\0/../../etc/passwd")]
    [InlineData("nothing-here.txt")]
    [InlineData("x.txt/")]
    public void Execute_InputThatNamesNoFile_ThrowsFileNotFoundAndWritesNothing(string relative)
    {
        File.WriteAllBytes(Path.Combine(_inputDirectory, "x.txt"), "x"u8.ToArray());

        Assert.Throws<FileNotFoundException>(
            () => _kernel.Execute(new FileTransformRequest(Path.Combine(_inputDirectory, relative), _outputDirectory), CancellationToken.None));

        Assert.False(Directory.Exists(_outputDirectory));
    }

    [Fact]
    public void Execute_InputPathOfTenThousandCharacters_ThrowsFileNotFoundAndWritesNothing()
    {
        var inputPath = Path.Combine(_inputDirectory, string.Join('/', Enumerable.Repeat(new string('d', 99), 100)));

        Assert.Throws<FileNotFoundException>(() => _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None));

        Assert.False(Directory.Exists(_outputDirectory));
    }

    [Theory]
    [InlineData(MaxInputNameBytes + 1)]
    [InlineData(MaxNameBytes)]
    public void Execute_InputNameTooLongForItsOutputs_ThrowsNamingTheLimitAndWritesNothing(int nameBytes)
    {
        var name = new string('l', nameBytes);
        var inputPath = Path.Combine(_inputDirectory, name);
        File.WriteAllBytes(inputPath, "l"u8.ToArray());

        var error = Assert.Throws<PathTooLongException>(() => _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None));

        Assert.Contains($"{name}.sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains("255 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_outputDirectory));
    }

    private void AssertOutputs(FileTransformResult result, string name, byte[] input)
    {
        var folder = Path.GetFullPath(_outputDirectory);
        Assert.Equal(Path.Combine(folder, name + ".gz"), result.OutputPath);
        Assert.Equal(Path.Combine(folder, name + ".sha256"), result.HashPath);
        Assert.Equal(folder, Path.GetDirectoryName(Path.GetFullPath(result.OutputPath)));
        Assert.Equal(folder, Path.GetDirectoryName(Path.GetFullPath(result.HashPath)));
        Assert.InRange(Encoding.UTF8.GetByteCount(name + ".sha256"), 1, MaxNameBytes);

        // The two outputs and nothing else (no temporary file), and nothing beside the folders the test made.
        Assert.Equal(
            new[] { result.OutputPath, result.HashPath }.Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { _inputDirectory, _outputDirectory }.Concat(Directory.Exists(Path.Combine(_root, "elsewhere")) ? [Path.Combine(_root, "elsewhere")] : []).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(_root).Order(StringComparer.Ordinal));

        using (var gzip = new GZipStream(File.OpenRead(result.OutputPath), CompressionMode.Decompress))
        using (var plain = new MemoryStream())
        {
            gzip.CopyTo(plain);
            Assert.Equal(input, plain.ToArray());
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(input));
        Assert.Equal(sha256, result.Sha256);
        Assert.Equal(FileTransformKernel.SumLine(sha256, name), File.ReadAllText(result.HashPath, Encoding.UTF8));
        File.Delete(result.OutputPath);
        File.Delete(result.HashPath);
    }
}
