namespace Grid.Kernels;

/// <summary>What the file-transform kernel wrote for one file.</summary>
/// <param name="InputPath">The file read.</param>
/// <param name="OutputPath">The gzip-compressed copy written.</param>
/// <param name="HashPath">The file holding the input's SHA-256, in the <c>sha256sum</c> format.</param>
/// <param name="InputBytes">The size of the input.</param>
/// <param name="OutputBytes">The size of the compressed copy.</param>
/// <param name="Sha256">The input's SHA-256 as lower-case hex.</param>
[GenerateSerializer]
[Immutable]
public sealed record FileTransformResult(string InputPath, string OutputPath, string HashPath, long InputBytes, long OutputBytes, string Sha256);
