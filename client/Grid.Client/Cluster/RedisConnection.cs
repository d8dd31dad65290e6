using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace Grid.Client.Cluster;

/// <summary>Reads the Redis connection string a cluster meets on (its membership table), checks it, and says where it points without its password.</summary>
internal static class RedisConnection
{
    /// <summary>Parses <paramref name="connection"/> (a StackExchange.Redis connection string) and applies the CA file and the connect time limit.</summary>
    /// <exception cref="ArgumentException">The connection string or the CA file is not valid; the message names what is wrong.</exception>
    public static ConfigurationOptions Parse(string connection, string? caFile, TimeSpan connectTimeout)
    {
        if (ConnectionError(connection) is { } error)
        {
            throw new ArgumentException(error, nameof(connection));
        }

        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)Math.Clamp(connectTimeout.TotalMilliseconds, 100, int.MaxValue);
        options.ConnectRetry = 1;
        if (!string.IsNullOrWhiteSpace(caFile))
        {
            if (CaFileError(caFile) is { } caError)
            {
                throw new ArgumentException(caError, nameof(caFile));
            }

            if (!options.Ssl)
            {
                throw new ArgumentException($"A CA file ({caFile}) is given, but the Redis connection string {Redact(connection)} does not ask for TLS (ssl=true).", nameof(caFile));
            }

            options.TrustIssuer(caFile);
        }

        return options;
    }

    /// <summary>Returns why <paramref name="connection"/> is not a Redis connection string Grid can use, or <see langword="null"/> when it is.</summary>
    public static string? ConnectionError(string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            return "The Redis connection string is empty; give host:port[,password=...][,ssl=true].";
        }

        if (connection.Contains("://", StringComparison.Ordinal))
        {
            return $"'{Redact(connection)}' is a URI; the cluster meets on Redis and takes a StackExchange.Redis connection string such as 127.0.0.1:6379,password=...";
        }

        try
        {
            var options = ConfigurationOptions.Parse(connection);
            return options.EndPoints.Count == 0 ? $"The Redis connection string '{Redact(connection)}' names no host:port." : null;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or NotSupportedException)
        {
            return $"The Redis connection string '{Redact(connection)}' is not valid: {exception.Message}";
        }
    }

    /// <summary>Returns why <paramref name="caFile"/> cannot serve as the CA file, or <see langword="null"/> when it holds at least one certificate.</summary>
    public static string? CaFileError(string caFile)
    {
        if (!File.Exists(caFile))
        {
            return $"The CA file {caFile} does not exist.";
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(caFile);
            return certificates.Count == 0 ? $"The CA file {caFile} holds no PEM certificate." : null;
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"The CA file {caFile} cannot be read as PEM certificates: {exception.Message}";
        }
    }

    /// <summary>Connects to Redis once and pings it, so that an unreachable server or a refused password is reported at once in one clear line.</summary>
    /// <exception cref="GridException">Redis did not answer within the connect time limit, or refused the password or the TLS handshake.</exception>
    public static async Task CheckAsync(ConfigurationOptions options, string connection, CancellationToken cancellationToken)
    {
        var probe = options.Clone();
        probe.AbortOnConnectFail = true;
        try
        {
            await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(probe).WaitAsync(cancellationToken).ConfigureAwait(false);
            await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // StackExchange.Redis calls a failed TLS handshake an AuthenticationFailure too: the handshake's own exception tells them apart.
            var reason = Causes(exception).Any(e => e is System.Security.Authentication.AuthenticationException)
                ? "the TLS handshake failed (is the server's certificate trusted? see the CA file setting)"
                : exception is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                    || Causes(exception).Any(e => e.Message.Contains("WRONGPASS", StringComparison.Ordinal) || e.Message.Contains("NOAUTH", StringComparison.Ordinal))
                    ? "it refused the password"
                    : $"it did not answer within {probe.ConnectTimeout} ms";
            throw new GridException($"Could not use Redis at {Redact(connection)}: {reason}.", exception);
        }
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>Writes <paramref name="connection"/> without its password, for messages and logs.</summary>
    public static string Redact(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var parts = connection.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = "password=***";
            }
        }

        return string.Join(',', parts);
    }
}
