using System.Security.Cryptography;

namespace Grid.Kernels.BuiltIn;

/// <summary>Computes the SHA-256 of a byte array as lower-case hex.</summary>
[Kernel(BuiltInKernels.Sha256)]
public sealed class Sha256Kernel : IKernel<byte[], string>
{
    /// <summary>Returns the lower-case hex SHA-256 of <paramref name="input"/>; throws <see cref="ArgumentNullException"/> when it is null.</summary>
    public string Execute(byte[] input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
