using System.Text.Json;

namespace Grid.Tests.Deployment;

/// <summary>The compose file is valid as written, describes the cluster (a broker, three silos on it, the trace viewer), and refuses to run without the credentials it must be given.</summary>
/// <remarks>Debian's docker-compose 1.x validates and normalises the file offline; no Docker engine is needed.</remarks>
public sealed class ComposeFileTests
{
    private static readonly string ComposeFile = RepositoryPaths.Combine("docker-compose.yml");

    private static readonly Dictionary<string, string?> Variables = new()
    {
        ["GRID_RABBITMQ_USER"] = "grid-user",
        ["GRID_RABBITMQ_PASSWORD"] = "0123456789abcdef",
        ["GRID_DASHBOARD_TOKEN"] = "test-token-0123456789",
    };

    [Fact]
    public async Task Config_WithRequiredVariables_IsValid()
    {
        var result = await RunComposeAsync(["config", "-q"], Variables);

        Assert.True(result.ExitCode == 0, $"docker-compose config failed:\n{result.AllOutput}");
    }

    [Theory]
    [InlineData("GRID_RABBITMQ_USER")]
    [InlineData("GRID_RABBITMQ_PASSWORD")]
    [InlineData("GRID_DASHBOARD_TOKEN")]
    public async Task Config_WithoutARequiredVariable_FailsNamingIt(string missing)
    {
        var result = await RunComposeAsync(["config", "-q"], new Dictionary<string, string?>(Variables) { [missing] = null });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(missing, result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_PublishedPorts_BindLoopbackOnly()
    {
        var services = await ServicesAsync();

        var published = services.EnumerateObject()
            .SelectMany(service => service.Value.TryGetProperty("ports", out var ports) ? ports.EnumerateArray().Select(p => (service.Name, Port: p)) : [])
            .Select(entry => (entry.Name, HostIp: entry.Port.ValueKind == JsonValueKind.String
                ? HostIpOfShortForm(entry.Port.GetString()!)
                : entry.Port.TryGetProperty("host_ip", out var ip) ? ip.GetString() : null))
            .ToArray();

        Assert.NotEmpty(published);
        Assert.All(published, port => Assert.True(port.HostIp == "127.0.0.1", $"{port.Name} publishes a port on '{port.HostIp ?? "all interfaces"}'"));
    }

    [Fact]
    public async Task Config_ThreeSilos_EachJoinsTheBrokerServiceUnderItsOwnName()
    {
        var services = await ServicesAsync();

        var silos = services.EnumerateObject().Where(service => service.Name.StartsWith("silo", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, silos.Length);
        var expected = $"amqp://{Variables["GRID_RABBITMQ_USER"]}:{Variables["GRID_RABBITMQ_PASSWORD"]}@rabbitmq:5672/grid";
        foreach (var silo in silos)
        {
            var environment = silo.Value.GetProperty("environment");
            Assert.Equal(expected, environment.GetProperty("Grid__Cluster__Connection").GetString());
            Assert.Equal("service_healthy", silo.Value.GetProperty("depends_on").GetProperty("rabbitmq").GetProperty("condition").GetString());
        }

        var names = silos.Select(silo => silo.Value.GetProperty("environment").GetProperty("Grid__Silo__Name").GetString()).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Single(silos.Select(silo => silo.Value.GetProperty("environment").GetProperty("Grid__Cluster__Name").GetString()).Distinct());
    }

    [Fact]
    public async Task Config_Broker_TakesItsCredentialsFromTheVariables()
    {
        var services = await ServicesAsync();

        var environment = services.GetProperty("rabbitmq").GetProperty("environment");
        Assert.Equal(Variables["GRID_RABBITMQ_USER"], environment.GetProperty("RABBITMQ_DEFAULT_USER").GetString());
        Assert.Equal(Variables["GRID_RABBITMQ_PASSWORD"], environment.GetProperty("RABBITMQ_DEFAULT_PASS").GetString());
        Assert.Equal("grid", environment.GetProperty("RABBITMQ_DEFAULT_VHOST").GetString());
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

    /// <summary>The normalised services of the compose file, as JSON (docker-compose 1.x prints YAML only; its own YAML library converts it).</summary>
    private static async Task<JsonElement> ServicesAsync()
    {
        var config = await RunComposeAsync(["config"], Variables);
        Assert.True(config.ExitCode == 0, $"docker-compose config failed:\n{config.AllOutput}");
        var json = await ToolRunner.RunAsync(
            "python3",
            ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
            standardInput: config.Output);
        Assert.True(json.ExitCode == 0, $"could not read docker-compose's output as YAML:\n{json.AllOutput}");
        using var document = JsonDocument.Parse(json.Output);
        return document.RootElement.GetProperty("services").Clone();
    }

    private static string? HostIpOfShortForm(string mapping)
    {
        // HOST_IP:HOST:CONTAINER[/proto], HOST:CONTAINER or CONTAINER: only the first names an address.
        var parts = mapping.Split('/')[0].Split(':');
        return parts.Length == 3 ? parts[0] : null;
    }

    private static Task<ToolResult> RunComposeAsync(string[] arguments, IReadOnlyDictionary<string, string?> variables)
    {
        var compose = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose is not installed; scripts/test.sh installs Debian's docker-compose.");
        return ToolRunner.RunAsync(compose, ["-f", ComposeFile, .. arguments], variables, Path.GetDirectoryName(ComposeFile));
    }
}
