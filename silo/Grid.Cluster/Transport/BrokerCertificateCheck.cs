using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Grid.Cluster.Transport;

/// <summary>Checks the certificate a broker presents in one TLS handshake, and keeps why it refused it for the error the member reports.</summary>
/// <remarks>
/// The certificate must hold <see cref="ServerName"/> and chain to a trusted CA: to one of <c>Grid:Cluster:TlsCaFile</c> when that is
/// set (the system's CAs are then not consulted), else to the system's. Nothing is ever accepted in spite of a failed check.
/// </remarks>
internal sealed class BrokerCertificateCheck
{
    /// <summary>The application policy of a TLS server certificate (extended key usage <c>serverAuth</c>).</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2Collection? _trustedCas;
    private readonly string? _caFile;
    private string? _failure;

    /// <summary>Creates a check for one handshake.</summary>
    /// <param name="serverName">The name the certificate must hold.</param>
    /// <param name="trustedCas">The CAs to trust instead of the system's, or <see langword="null"/>.</param>
    /// <param name="caFile">The file <paramref name="trustedCas"/> came from, for messages.</param>
    public BrokerCertificateCheck(string serverName, X509Certificate2Collection? trustedCas, string? caFile)
    {
        ServerName = serverName;
        _trustedCas = trustedCas;
        _caFile = caFile;
    }

    /// <summary>Gets the name the certificate must hold.</summary>
    public string ServerName { get; }

    /// <summary>Gets why the certificate was refused, as the end of a sentence starting "The broker at ADDRESS", or <see langword="null"/> if it was not.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>The validation callback of the handshake: <see langword="true"/> only when the chain is trusted and the name matches.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            Volatile.Write(ref _failure, "presented no TLS certificate (untrusted chain)");
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        try
        {
            var reasons = new List<string>(2);
            if (UntrustedReason(leaf, chain, errors) is { } untrusted)
            {
                reasons.Add(untrusted);
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                reasons.Add($"whose names ({Names(leaf)}) do not match the server name '{ServerName}' (name mismatch): connect by one of its names, or set {ClusterOptions.SectionName}:{nameof(ClusterOptions.TlsServerName)} to one");
            }

            if (reasons.Count == 0)
            {
                return true;
            }

            Volatile.Write(ref _failure, "presented a TLS certificate " + string.Join("; and ", reasons));
            return false;
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }

    private string? UntrustedReason(X509Certificate2 leaf, X509Chain? chain, SslPolicyErrors errors)
    {
        var hint = $"set {ClusterOptions.SectionName}:{nameof(ClusterOptions.TlsCaFile)} (a client's TlsCaFile, grid --cluster-ca) to a PEM file of the CA that signed it";
        if (_trustedCas is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0
                ? null
                : $"that is not trusted (untrusted chain: {Statuses(chain)}): it was issued by '{leaf.Issuer}', which does not chain to a CA the system trusts; {hint}";
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        if (chain is not null)
        {
            // The intermediates the broker sent, so that a chain through them to the CA can be built.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf)
            ? null
            : $"that is not trusted (untrusted chain: {Statuses(custom)}): it was issued by '{leaf.Issuer}', which does not chain to a CA of {_caFile}";
    }

    private static string Statuses(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus
            .Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => string.IsNullOrWhiteSpace(s.StatusInformation) ? s.Status.ToString() : $"{s.Status}, {s.StatusInformation.Trim()}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return statuses is { Count: > 0 } ? string.Join("; ", statuses) : "no chain to a trusted CA";
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension alternative)
            {
                names.AddRange(alternative.EnumerateDnsNames());
                names.AddRange(alternative.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }

        return names.Count > 0 ? string.Join(", ", names) : $"none, only the subject '{certificate.Subject}'";
    }
}
