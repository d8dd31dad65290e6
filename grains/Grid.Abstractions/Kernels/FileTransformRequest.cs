namespace Grid.Kernels;

/// <summary>One file for the file-transform kernel: the file to read and the folder to write its gzip and SHA-256 into.</summary>
/// <param name="InputPath">The file to read.</param>
/// <param name="OutputDirectory">The folder to write <c>NAME.gz</c> and <c>NAME.sha256</c> into; made when missing.</param>
[GenerateSerializer]
[Immutable]
public sealed record FileTransformRequest(string InputPath, string OutputDirectory);
