using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Grid.Tests.Cluster;

/// <summary>Certificates made in the test for settings that name a CA file: none of them is trusted anywhere.</summary>
internal static class TestCertificates
{
    /// <summary>A new self-signed CA certificate named <paramref name="name"/>, as PEM text (its key is thrown away).</summary>
    public static string SelfSignedCaPem(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }
}
