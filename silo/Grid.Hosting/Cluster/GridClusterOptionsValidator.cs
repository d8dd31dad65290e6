using System.Net;
using Grid.Client.Cluster;
using Grid.Serialization;

namespace Grid.Hosting.Cluster;

/// <summary>Checks a silo's <see cref="GridClusterOptions"/> before it starts, naming each setting that is out of range.</summary>
internal static class GridClusterOptionsValidator
{
    public static IEnumerable<string> Check(GridClusterOptions options)
    {
        const string Section = GridClusterOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            yield return $"{Section}:Name must be a name without spaces, such as grid; got '{options.Name}'.";
        }

        if (options.Connection is { } connection && RedisConnection.ConnectionError(connection) is { } error)
        {
            yield return $"{Section}:Connection: {error}";
        }

        if (options.TlsCaFile is { } ca && RedisConnection.CaFileError(ca) is { } caError)
        {
            yield return $"{Section}:TlsCaFile: {caError}";
        }
        else if (options.TlsCaFile is not null && (options.Connection is null || !options.Connection.Contains("ssl=true", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"{Section}:TlsCaFile is the CA of Redis over TLS, so {Section}:Connection must say ssl=true.";
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            yield return $"{Section}:SiloPort must be between 1 and 65535; got {options.SiloPort}.";
        }

        if (options.GatewayPort is < 1 or > 65535)
        {
            yield return $"{Section}:GatewayPort must be between 1 and 65535; got {options.GatewayPort}.";
        }
        else if (options.GatewayPort == options.SiloPort)
        {
            yield return $"{Section}:GatewayPort must differ from {Section}:SiloPort; both are {options.SiloPort}.";
        }

        if (options.AdvertisedAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            yield return $"{Section}:AdvertisedAddress must be an IP address such as 10.0.0.5; got '{address}'.";
        }

        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(100) || options.ProbeTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:ProbeTimeout must be between 00:00:00.100 and 00:05:00; got {options.ProbeTimeout}.";
        }

        if (options.HeartbeatPeriod < TimeSpan.FromSeconds(1) || options.HeartbeatPeriod > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:HeartbeatPeriod must be between 00:00:01 and 00:05:00; got {options.HeartbeatPeriod}.";
        }

        if (options.DirectoryLease < TimeSpan.FromSeconds(1) || options.DirectoryLease > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:DirectoryLease must be between 00:00:01 and 00:05:00; got {options.DirectoryLease}.";
        }

        if (options.NumMissedProbesLimit is < 1 or > 100)
        {
            yield return $"{Section}:NumMissedProbesLimit must be between 1 and 100; got {options.NumMissedProbesLimit}.";
        }

        if (options.NumVotesForDeathDeclaration is < 1 or > 100)
        {
            yield return $"{Section}:NumVotesForDeathDeclaration must be between 1 and 100; got {options.NumVotesForDeathDeclaration}.";
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(100) || options.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:ConnectTimeout must be between 00:00:00.100 and 00:05:00; got {options.ConnectTimeout}.";
        }

        if (options.MaxMessageBytes < PayloadSize.MinMessageLimit)
        {
            yield return $"{Section}:MaxMessageBytes must be at least {PayloadSize.MinMessageLimit} (64 KiB); got {options.MaxMessageBytes}.";
        }
    }
}
