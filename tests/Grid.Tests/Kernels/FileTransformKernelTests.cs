using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Grid.Kernels;
using Grid.Kernels.BuiltIn;

namespace Grid.Tests.Kernels;

[Trait("Category", "Fast")]
public sealed class FileTransformKernelTests : IDisposable
{
    private readonly FileTransformKernel _kernel = new();
    private readonly string _root;
    private readonly string _inputDirectory;
    private readonly string _outputDirectory;

    public FileTransformKernelTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "grid-file-transform-" + Guid.NewGuid().ToString("N"));
        _inputDirectory = Path.Combine(_root, "in");
        _outputDirectory = Path.Combine(_root, "out");
        Directory.CreateDirectory(_inputDirectory);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Execute_TextFile_GzipDecompressesToInput()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Grid compresses this line.\n", 1_000)));
        var inputPath = WriteInput("notes.txt", bytes);

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        Assert.Equal(inputPath, result.InputPath);
        Assert.Equal(Path.Combine(_outputDirectory, "notes.txt.gz"), result.OutputPath);
        Assert.Equal(bytes, Decompress(result.OutputPath));
        Assert.Equal(bytes.Length, result.InputBytes);
        Assert.Equal(new FileInfo(result.OutputPath).Length, result.OutputBytes);
        Assert.True(result.OutputBytes < result.InputBytes);
    }

    [Fact]
    public void Execute_TextFile_WritesSha256sumLine()
    {
        var bytes = Encoding.UTF8.GetBytes("hello, grid\n");
        var inputPath = WriteInput("hello.txt", bytes);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        Assert.Equal(expectedHash, result.Sha256);
        Assert.Equal(Path.Combine(_outputDirectory, "hello.txt.sha256"), result.HashPath);
        Assert.Equal(Encoding.UTF8.GetBytes($"{expectedHash}  hello.txt\n"), File.ReadAllBytes(result.HashPath));
    }

    [Fact]
    public void Execute_EmptyFile_WritesEmptyGzipAndHashOfNothing()
    {
        var inputPath = WriteInput("empty.bin", []);

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        // .NET would also read a zero-byte file as empty; gzip(1) would not, so the header must be there.
        var written = File.ReadAllBytes(result.OutputPath);
        Assert.True(written.Length >= 20 && written[0] == 0x1F && written[1] == 0x8B, "the .gz must hold a gzip header");
        Assert.Empty(Decompress(result.OutputPath));
        Assert.Equal(0, result.InputBytes);
        Assert.Equal(written.Length, result.OutputBytes);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", result.Sha256);
        Assert.Equal($"{result.Sha256}  empty.bin\n", File.ReadAllText(result.HashPath));
    }

    [Fact]
    public void Execute_OutputDirectoryMissing_CreatesIt()
    {
        var inputPath = WriteInput("data.bin", [1, 2, 3]);
        var nested = Path.Combine(_outputDirectory, "a", "b");

        var result = _kernel.Execute(new FileTransformRequest(inputPath, nested), CancellationToken.None);

        Assert.True(Directory.Exists(nested));
        Assert.True(File.Exists(Path.Combine(nested, "data.bin.gz")));
        Assert.True(File.Exists(Path.Combine(nested, "data.bin.sha256")));
        Assert.Equal([1, 2, 3], Decompress(result.OutputPath));
    }

    [Fact]
    public void Execute_ThreeMegabyteRandomFile_RoundTrips()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(20240501).NextBytes(bytes);
        var inputPath = WriteInput("random.bin", bytes);

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        Assert.Equal(bytes.LongLength, result.InputBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.True(bytes.AsSpan().SequenceEqual(Decompress(result.OutputPath)));
    }

    [Fact]
    public void Execute_OutputsAlreadyExist_OverwritesThemAndLeavesNoTemporaryFiles()
    {
        var inputPath = WriteInput("twice.txt", Encoding.UTF8.GetBytes("first"));
        _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);
        var second = Encoding.UTF8.GetBytes("second");
        File.WriteAllBytes(inputPath, second);

        var result = _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None);

        Assert.Equal(second, Decompress(result.OutputPath));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(second)), result.Sha256);
        Assert.Equal(
            ["twice.txt.gz", "twice.txt.sha256"],
            Directory.GetFiles(_outputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Execute_CancelledToken_ThrowsAndLeavesNoFiles()
    {
        var inputPath = WriteInput("cancelled.bin", new byte[1024]);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(
            () => _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), cts.Token));
        Assert.Empty(Directory.GetFiles(_outputDirectory));
    }

    [Fact]
    public void Execute_MissingInput_ThrowsFileNotFoundNamingPath()
    {
        var inputPath = Path.Combine(_inputDirectory, "absent.txt");

        var ex = Assert.Throws<FileNotFoundException>(
            () => _kernel.Execute(new FileTransformRequest(inputPath, _outputDirectory), CancellationToken.None));

        Assert.Equal(inputPath, ex.FileName);
        Assert.Contains(inputPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_InputIsDirectory_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => _kernel.Execute(new FileTransformRequest(_inputDirectory, _outputDirectory), CancellationToken.None));

        Assert.Equal("input.InputPath", ex.ParamName);
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "out", "input.InputPath")]
    [InlineData("", "out", "input.InputPath")]
    [InlineData(" ", "out", "input.InputPath")]
    [InlineData("in.txt", null, "input.OutputDirectory")]
    [InlineData("in.txt", "", "input.OutputDirectory")]
    public void Execute_NullOrEmptyPath_ThrowsArgumentExceptionNamingIt(string? inputPath, string? outputDirectory, string expectedParameter)
    {
        var request = new FileTransformRequest(inputPath!, outputDirectory!);

        var ex = Assert.ThrowsAny<ArgumentException>(() => _kernel.Execute(request, CancellationToken.None));

        Assert.Equal(expectedParameter, ex.ParamName);
    }

    [Fact]
    public void Execute_NullRequest_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => _kernel.Execute(null!, CancellationToken.None));
    }

    [Theory]
    [InlineData("plain.txt", "abc  plain.txt\n")]
    [InlineData("back\\slash", "\\abc  back\\\\slash\n")]
    [InlineData("line\nbreak", "\\abc  line\\nbreak\n")]
    public void SumLine_FileName_MatchesSha256sumEscaping(string fileName, string expected)
    {
        Assert.Equal(expected, FileTransformKernel.SumLine("abc", fileName));
    }

    private string WriteInput(string name, byte[] contents)
    {
        var path = Path.Combine(_inputDirectory, name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    private static byte[] Decompress(string gzipPath)
    {
        using var source = File.OpenRead(gzipPath);
        using var gzip = new GZipStream(source, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
