using System.Net;
using System.Text.Json;

namespace Grid.Tests.Deployment;

/// <summary>The compose file is valid as written, describes the cluster (Redis, three silos that meet on it, the trace viewer), and refuses to run without the credentials it must be given.</summary>
/// <remarks>Debian's docker-compose 1.x validates and normalises the file offline; no Docker engine is needed.</remarks>
[Trait("Category", "Fast")]
public sealed class ComposeFileTests
{
    private static readonly string ComposeFile = RepositoryPaths.Combine("docker-compose.yml");

    private static readonly Dictionary<string, string?> Variables = new()
    {
        ["GRID_REDIS_PASSWORD"] = "0123456789abcdef",
        ["GRID_DASHBOARD_TOKEN"] = "test-token-0123456789",
    };

    [Fact]
    public async Task Config_WithRequiredVariables_IsValid()
    {
        var result = await RunComposeAsync(["config", "-q"], Variables);

        Assert.True(result.ExitCode == 0, $"docker-compose config failed:\n{result.AllOutput}");
    }

    [Theory]
    [InlineData("GRID_REDIS_PASSWORD")]
    [InlineData("GRID_DASHBOARD_TOKEN")]
    public async Task Config_WithoutARequiredVariable_FailsNamingIt(string missing)
    {
        var result = await RunComposeAsync(["config", "-q"], new Dictionary<string, string?>(Variables) { [missing] = null });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(missing, result.AllOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GRID_REDIS_PASSWORD")]
    [InlineData("GRID_DASHBOARD_TOKEN")]
    public async Task Config_WithARequiredVariableEmpty_FailsNamingIt(string empty)
    {
        // An empty password or token is no better than a default one: ${VAR:?...} refuses it too.
        var result = await RunComposeAsync(["config", "-q"], new Dictionary<string, string?>(Variables) { [empty] = string.Empty });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(empty, result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_PublishedPorts_BindLoopbackOnly()
    {
        var published = PublishedPorts(await ServicesAsync());

        Assert.NotEmpty(published);
        Assert.All(published, port => Assert.True(port.HostIp == "127.0.0.1", $"{port.Service} publishes a port on '{port.HostIp ?? "all interfaces"}'"));
    }

    [Fact]
    public async Task Config_PublishedPorts_AreRedisTheDashboardsAndOneGateway()
    {
        var published = PublishedPorts(await ServicesAsync())
            .Select(port => $"{port.Service} {port.HostPort}:{port.ContainerPort}")
            .Order(StringComparer.Ordinal)
            .ToArray();

        string[] expected =
        [
            "otel 18888:18888",
            "redis 6379:6379",
            "silo-1 30000:30000",
            "silo-1 5180:5180",
            "silo-2 5181:5180",
            "silo-3 5182:5180",
        ];
        Assert.Equal(expected, published);
    }

    [Fact]
    public async Task Config_ThreeSilos_EachJoinsRedisUnderItsOwnNameAndAddress()
    {
        var config = await ConfigAsync();
        var services = config.GetProperty("services");
        var subnet = System.Net.IPNetwork.Parse(config.GetProperty("networks").GetProperty("grid").GetProperty("ipam").GetProperty("config")[0].GetProperty("subnet").GetString()!);

        var silos = services.EnumerateObject().Where(service => service.Name.StartsWith("silo", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, silos.Length);
        var password = Variables["GRID_REDIS_PASSWORD"]!;
        foreach (var silo in silos)
        {
            var environment = silo.Value.GetProperty("environment");
            var connection = environment.GetProperty("Grid__Cluster__Connection").GetString()!;
            Assert.Equal($"redis:6379,password={password}", connection);
            // As the silo reads it: the redis service's name and port, and the password.
            var redis = StackExchange.Redis.ConfigurationOptions.Parse(connection);
            var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(redis.EndPoints));
            Assert.Equal(("redis", 6379), (endpoint.Host, endpoint.Port));
            Assert.Equal(password, redis.Password);
            Assert.Equal("service_healthy", silo.Value.GetProperty("depends_on").GetProperty("redis").GetProperty("condition").GetString());

            Assert.Equal("11111", environment.GetProperty("Grid__Cluster__SiloPort").GetString());
            Assert.Equal("30000", environment.GetProperty("Grid__Cluster__GatewayPort").GetString());
            Assert.Equal(silo.Name, environment.GetProperty("Grid__Silo__Name").GetString());

            // Other silos and clients reach a silo at the address it advertises, so that must be its own fixed address.
            var advertised = environment.GetProperty("Grid__Cluster__AdvertisedAddress").GetString();
            var own = silo.Value.GetProperty("networks").GetProperty("grid").GetProperty("ipv4_address").GetString();
            Assert.Equal(own, advertised);
            Assert.True(subnet.Contains(IPAddress.Parse(own!)), $"{silo.Name}'s address {own} is outside the network's subnet {subnet}");

            Assert.Equal("http://0.0.0.0:5180", environment.GetProperty("Grid__Dashboard__Urls").GetString());
            Assert.Equal(Variables["GRID_DASHBOARD_TOKEN"], environment.GetProperty("Grid__Dashboard__Token").GetString());
            Assert.Equal("http://otel:18889", environment.GetProperty("OTEL_EXPORTER_OTLP_ENDPOINT").GetString());
        }

        Assert.Equal(3, silos.Select(silo => silo.Value.GetProperty("environment").GetProperty("Grid__Cluster__AdvertisedAddress").GetString()).Distinct().Count());
        Assert.Equal("grid", Assert.Single(silos.Select(silo => silo.Value.GetProperty("environment").GetProperty("Grid__Cluster__Name").GetString()).Distinct()));
    }

    [Fact]
    public async Task Config_Redis_RequiresThePasswordAndKeepsTheMembershipTableOnDisk()
    {
        var services = await ServicesAsync();

        var redis = services.GetProperty("redis");
        var password = Variables["GRID_REDIS_PASSWORD"];
        Assert.Equal("redis:7-alpine", redis.GetProperty("image").GetString());
        string?[] command = ["redis-server", "--requirepass", password, "--save", string.Empty, "--appendonly", "yes"];
        Assert.Equal(command, redis.GetProperty("command").EnumerateArray().Select(argument => argument.GetString()).ToArray());
        // A Redis that came back empty would leave the running silos unlisted: its append-only file lives on a volume.
        var volume = Assert.Single(redis.GetProperty("volumes").EnumerateArray()).GetString();
        Assert.StartsWith("redis-data:/data", volume, StringComparison.Ordinal);
        // The health check's redis-cli takes the password from the environment, and it must be the server's.
        Assert.Equal(password, redis.GetProperty("environment").GetProperty("REDISCLI_AUTH").GetString());
        var check = string.Join(' ', redis.GetProperty("healthcheck").GetProperty("test").EnumerateArray().Select(part => part.GetString()));
        Assert.Contains("redis-cli ping", check, StringComparison.Ordinal);
        Assert.Contains("PONG", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_NothingOfRabbitMqIsLeft()
    {
        var config = await ConfigAsync();

        string[] services = ["otel", "redis", "silo-1", "silo-2", "silo-3"];
        Assert.Equal(services, config.GetProperty("services").EnumerateObject().Select(service => service.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["redis-data"], config.GetProperty("volumes").EnumerateObject().Select(volume => volume.Name).ToArray());
        var text = await File.ReadAllTextAsync(ComposeFile);
        Assert.DoesNotContain("rabbitmq", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("amqp", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Config_EveryService_HasAHealthCheck()
    {
        var services = await ServicesAsync();

        Assert.All(services.EnumerateObject(), service =>
        {
            Assert.True(service.Value.TryGetProperty("healthcheck", out var check), $"{service.Name} has no health check");
            Assert.False(check.TryGetProperty("disable", out var disabled) && disabled.GetBoolean(), $"{service.Name} disables its health check");
            var test = check.GetProperty("test");
            Assert.True(test.GetArrayLength() > 1 && test[0].GetString() is "CMD" or "CMD-SHELL", $"{service.Name}'s health check runs nothing");
        });
    }

    private static async Task<JsonElement> ServicesAsync() => (await ConfigAsync()).GetProperty("services");

    /// <summary>The normalised compose file, as JSON (docker-compose 1.x prints YAML only; its own YAML library converts it).</summary>
    private static async Task<JsonElement> ConfigAsync()
    {
        var config = await RunComposeAsync(["config"], Variables);
        Assert.True(config.ExitCode == 0, $"docker-compose config failed:\n{config.AllOutput}");
        var json = await ToolRunner.RunAsync(
            "python3",
            ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
            standardInput: config.Output);
        Assert.True(json.ExitCode == 0, $"could not read docker-compose's output as YAML:\n{json.AllOutput}");
        using var document = JsonDocument.Parse(json.Output);
        return document.RootElement.Clone();
    }

    /// <summary>Every published port of every service, in either of compose's forms.</summary>
    private static PublishedPort[] PublishedPorts(JsonElement services) =>
        services.EnumerateObject()
            .SelectMany(service => service.Value.TryGetProperty("ports", out var ports) ? ports.EnumerateArray().Select(p => (service.Name, Port: p)) : [])
            .Select(entry => entry.Port.ValueKind == JsonValueKind.String
                ? ShortForm(entry.Name, entry.Port.GetString()!)
                : new PublishedPort(
                    entry.Name,
                    entry.Port.TryGetProperty("host_ip", out var ip) ? ip.GetString() : null,
                    entry.Port.TryGetProperty("published", out var host) ? host.ToString() : null,
                    entry.Port.TryGetProperty("target", out var target) ? target.ToString() : null))
            .ToArray();

    private static PublishedPort ShortForm(string service, string mapping)
    {
        // HOST_IP:HOST:CONTAINER[/proto], HOST:CONTAINER or CONTAINER: only the first names an address.
        var parts = mapping.Split('/')[0].Split(':');
        return parts.Length switch
        {
            3 => new PublishedPort(service, parts[0], parts[1], parts[2]),
            2 => new PublishedPort(service, null, parts[0], parts[1]),
            _ => new PublishedPort(service, null, null, parts[0]),
        };
    }

    private static Task<ToolResult> RunComposeAsync(string[] arguments, IReadOnlyDictionary<string, string?> variables)
    {
        var compose = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose is not installed; scripts/test.sh installs Debian's docker-compose.");
        return ToolRunner.RunAsync(compose, ["-f", ComposeFile, .. arguments], variables, Path.GetDirectoryName(ComposeFile));
    }

    /// <summary>One published port: the host address (null for all interfaces), the host port and the container's port.</summary>
    private sealed record PublishedPort(string Service, string? HostIp, string? HostPort, string? ContainerPort);
}
