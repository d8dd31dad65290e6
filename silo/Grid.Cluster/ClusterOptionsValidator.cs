using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Grid.Cluster;

/// <summary>Rejects cluster settings out of range at start, naming the setting and the values it allows.</summary>
internal sealed partial class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var failures = Check(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Lists what is wrong with the settings, one sentence each.</summary>
    public static IEnumerable<string> Check(ClusterOptions options)
    {
        const string Section = ClusterOptions.SectionName;
        if (options.Connection is { } connection && ConnectionError(connection) is { } error)
        {
            yield return $"{Section}:{nameof(ClusterOptions.Connection)} {error}";
        }

        var plain = options.Connection is { } address && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "amqp";
        if (options.CaFile is { } caFile)
        {
            if (plain)
            {
                yield return $"{Section}:{nameof(ClusterOptions.TlsCaFile)} applies only to a TLS connection: {Section}:{nameof(ClusterOptions.Connection)} must then use amqps://, not amqp://.";
            }
            else if (CaFileError(caFile) is { } caError)
            {
                yield return $"{Section}:{nameof(ClusterOptions.TlsCaFile)} {caError}";
            }
        }

        if (options.ServerName is { } serverName)
        {
            if (plain)
            {
                yield return $"{Section}:{nameof(ClusterOptions.TlsServerName)} applies only to a TLS connection: {Section}:{nameof(ClusterOptions.Connection)} must then use amqps://, not amqp://.";
            }
            else if (Uri.CheckHostName(serverName) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                yield return $"{Section}:{nameof(ClusterOptions.TlsServerName)} must be a host name or an IP address, such as broker.example or 10.0.0.5; got '{serverName}'.";
            }
        }

        if (options.Name is null || !NamePattern().IsMatch(options.Name))
        {
            yield return $"{Section}:{nameof(ClusterOptions.Name)} must be 1 to 64 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit; got '{options.Name}'.";
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(50) || options.HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:{nameof(ClusterOptions.HeartbeatInterval)} must be between 00:00:00.050 and 00:01:00; got {options.HeartbeatInterval}.";
        }

        if (options.MemberTimeout < 2 * options.HeartbeatInterval)
        {
            yield return $"{Section}:{nameof(ClusterOptions.MemberTimeout)} must be at least twice {nameof(ClusterOptions.HeartbeatInterval)} ({2 * options.HeartbeatInterval}); got {options.MemberTimeout}.";
        }

        if (options.MaxMessageBytes is < 4096 or > 128 * 1024 * 1024)
        {
            yield return $"{Section}:{nameof(ClusterOptions.MaxMessageBytes)} must be between 4096 and 134217728 (128 MiB); got {options.MaxMessageBytes}.";
        }

        if (options.ReconnectDelayMax < TimeSpan.FromMilliseconds(100))
        {
            yield return $"{Section}:{nameof(ClusterOptions.ReconnectDelayMax)} must be at least 00:00:00.100; got {options.ReconnectDelayMax}.";
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:{nameof(ClusterOptions.ConnectTimeout)} must be positive; got {options.ConnectTimeout}.";
        }

        if (options.ShutdownGrace < TimeSpan.Zero)
        {
            yield return $"{Section}:{nameof(ClusterOptions.ShutdownGrace)} must not be negative; got {options.ShutdownGrace}.";
        }

        if (options.MaxJobsPerSilo is < 1 or > 65535)
        {
            yield return $"{Section}:{nameof(ClusterOptions.MaxJobsPerSilo)} must be between 1 and 65535; got {options.MaxJobsPerSilo}.";
        }
    }

    /// <summary>Says what is wrong with an AMQP URI, or <see langword="null"/> when it is usable; never repeats the password.</summary>
    public static string? ConnectionError(string connection)
    {
        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri))
        {
            return "must be an AMQP URI such as amqp://user:password@127.0.0.1:5672/vhost; the value given is not a URI.";
        }

        if (uri.Scheme is not ("amqp" or "amqps"))
        {
            return $"must use the scheme amqp or amqps (TLS); got '{uri.Scheme}'.";
        }

        return string.IsNullOrEmpty(uri.Host) ? "must name the broker's host." : null;
    }

    /// <summary>Says what is wrong with a file of CA certificates, or <see langword="null"/> when it holds at least one PEM certificate.</summary>
    public static string? CaFileError(string path)
    {
        try
        {
            var certificates = ReadCaFile(path);
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return certificates.Count > 0
                ? null
                : $"must name a PEM file of CA certificates; '{path}' holds none (no -----BEGIN CERTIFICATE----- block).";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or NotSupportedException)
        {
            return $"must name a readable PEM file of CA certificates; '{path}' cannot be read: {exception.Message}";
        }
    }

    /// <summary>Reads the certificates of a PEM file; blocks other than certificates are ignored.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="CryptographicException">A certificate block is not a valid certificate.</exception>
    public static X509Certificate2Collection ReadCaFile(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
