using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Grid.Kernels.BuiltIn;

/// <summary>Gzips one file into an output folder and writes its SHA-256 beside it in the <c>sha256sum</c> format.</summary>
/// <remarks>
/// For input <c>DIR/NAME</c> the kernel writes <c>OUT/NAME.gz</c> and <c>OUT/NAME.sha256</c>, reading the input once
/// in buffers so files larger than memory work. Each output is written to a temporary file in the output folder and
/// renamed into place, so a crash or a cancellation never leaves a half-written file under its final name. An input
/// whose name leaves no room for <c>.sha256</c> within a file name's 255 bytes fails before anything is written.
/// </remarks>
[Kernel(BuiltInKernels.FileTransform)]
public sealed class FileTransformKernel : IKernel<FileTransformRequest, FileTransformResult>
{
    private const int BufferSize = 128 * 1024;

    /// <summary>The longest file name most file systems take (ext4, XFS, Btrfs, tmpfs), in bytes.</summary>
    private const int MaxFileNameBytes = 255;

    private const string HashSuffix = ".sha256";

    // The bytes `gzip -n` writes for empty input.
    private static readonly byte[] EmptyGzipMember =
    [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, // magic, deflate, no flags, no time, no extra flags, Unix
        0x03, 0x00, // one empty final block with fixed codes
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // CRC-32 and length of no data
    ];

    /// <summary>Compresses and hashes the file named by <paramref name="input"/> and returns what was written.</summary>
    public FileTransformResult Execute(FileTransformRequest input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.InputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.OutputDirectory);

        var inputPath = input.InputPath;
        if (Directory.Exists(inputPath))
        {
            throw new ArgumentException(
                $"{BuiltInKernels.FileTransform} reads a file, but '{inputPath}' is a directory.",
                $"{nameof(input)}.{nameof(FileTransformRequest.InputPath)}");
        }

        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException(
                $"{BuiltInKernels.FileTransform} input '{inputPath}' does not exist.", inputPath);
        }

        var fileName = Path.GetFileName(inputPath);
        if (Encoding.UTF8.GetByteCount(fileName) + HashSuffix.Length > MaxFileNameBytes)
        {
            // Checked before anything is written: the hash file's name would be refused by the file system half-way.
            throw new PathTooLongException(
                $"{BuiltInKernels.FileTransform} cannot name the outputs of '{inputPath}': '{fileName}{HashSuffix}' would be over the {MaxFileNameBytes} bytes a file name may have.");
        }

        var outputDirectory = Path.GetFullPath(input.OutputDirectory);
        Directory.CreateDirectory(outputDirectory);
        var outputPath = Path.Combine(outputDirectory, fileName + ".gz");
        var hashPath = Path.Combine(outputDirectory, fileName + HashSuffix);

        // Temporary files sit in the output folder so the final File.Move is a rename on one volume, and are named by a
        // unique id alone, so two items writing the same name at once cannot trample each other's partial output, and a
        // temporary name fits whenever the final ones do.
        var temp = Path.Combine(outputDirectory, "." + Guid.NewGuid().ToString("N"));
        var outputTemp = temp + ".gz.tmp";
        var hashTemp = temp + ".sha256.tmp";
        try
        {
            var (inputBytes, outputBytes, sha256) = Compress(inputPath, outputTemp, cancellationToken);
            WriteDurably(hashTemp, Encoding.UTF8.GetBytes(SumLine(sha256, fileName)));

            // The hash file goes last and a stale one is removed first, so a crash between the two moves leaves a
            // .gz without a .sha256 (visibly incomplete) rather than a .gz beside the hash of an older input.
            File.Delete(hashPath);
            File.Move(outputTemp, outputPath, overwrite: true);
            File.Move(hashTemp, hashPath, overwrite: true);
            return new FileTransformResult(inputPath, outputPath, hashPath, inputBytes, outputBytes, sha256);
        }
        catch
        {
            // The temporary files are partial; remove them without letting a failed delete hide the real error.
            TryDelete(outputTemp);
            TryDelete(hashTemp);
            throw;
        }
    }

    private static (long InputBytes, long OutputBytes, string Sha256) Compress(
        string inputPath, string outputTemp, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var source = new FileStream(
                inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            using var target = new FileStream(
                outputTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);

            // Optimal is zlib's default level, the one gzip(1) uses: the output is an archive meant to be kept, and
            // spending CPU to make it smaller is the kind of work the grid exists to spread over cores.
            var inputBytes = 0L;
            using (var gzip = new GZipStream(target, CompressionLevel.Optimal, leaveOpen: true))
            {
                int read;
                while ((read = source.Read(buffer, 0, BufferSize)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    hash.AppendData(buffer, 0, read);
                    gzip.Write(buffer, 0, read);
                    inputBytes += read;
                }
            }

            if (target.Length == 0)
            {
                // A GZipStream that is never written to emits nothing at all, not even a header, which gzip(1)
                // rejects as a truncated file (dotnet/runtime#66449, changed in .NET 11); an empty write does not
                // help on .NET 10. Testing the output rather than the input stays right once the runtime fixes it.
                target.Write(EmptyGzipMember);
            }

            // Flushed to disk before the rename so that after a power cut the final name holds the whole file or
            // the previous one, never a name pointing at blocks that were not yet written.
            target.Flush(flushToDisk: true);
            return (inputBytes, target.Length, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteDurably(string path, byte[] contents)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(contents);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover .tmp file is harmless next to the error the caller is about to see.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    /// <summary>Returns one <c>sha256sum</c> line for <paramref name="fileName"/>, escaped the way <c>sha256sum</c> escapes it.</summary>
    internal static string SumLine(string sha256, string fileName)
    {
        // sha256sum marks a name holding a backslash or a line break with a leading backslash and escapes those
        // characters, so every line of a sum file stays one entry; doing the same keeps `sha256sum -c` working.
        if (fileName.AsSpan().IndexOfAny('\\', '\n', '\r') < 0)
        {
            return $"{sha256}  {fileName}\n";
        }

        var escaped = fileName.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal);
        return $"\\{sha256}  {escaped}\n";
    }
}
