namespace Grid.Kernels;

/// <summary>Names of the kernels every silo registers.</summary>
public static class BuiltInKernels
{
    /// <summary>Trial-division primality test of a 64-bit number: <c>long</c> to <c>bool</c>.</summary>
    public const string IsPrime = "is-prime";

    /// <summary>Monte Carlo estimate of pi from a seeded sample run: <see cref="PiSample"/> to <see cref="PiEstimate"/>.</summary>
    public const string MonteCarloPi = "monte-carlo-pi";

    /// <summary>Gzip a file into an output folder with its SHA-256 beside it: <see cref="FileTransformRequest"/> to <see cref="FileTransformResult"/>.</summary>
    public const string FileTransform = "file-transform";

    /// <summary>SHA-256 of a byte array as lower-case hex: <c>byte[]</c> to <c>string</c>.</summary>
    public const string Sha256 = "sha256";
}
