using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Grid.Tests.Deployment;

/// <summary>The compose file is valid as written, and refuses to run without the credentials it must be given.</summary>
public sealed class ComposeFileTests
{
    private static readonly string ComposeFile = RepositoryPaths.Combine("docker-compose.yml");

    [Fact]
    public async Task Config_WithDashboardToken_IsValid()
    {
        var (exitCode, output) = await RunComposeAsync("config -q", ("GRID_DASHBOARD_TOKEN", "test-token"));

        Assert.True(exitCode == 0, $"docker-compose config failed:\n{output}");
    }

    [Fact]
    public async Task Config_WithoutDashboardToken_FailsNamingTheVariable()
    {
        var (exitCode, output) = await RunComposeAsync("config -q", ("GRID_DASHBOARD_TOKEN", null));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("GRID_DASHBOARD_TOKEN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_PublishedPorts_BindLoopbackOnly()
    {
        var (exitCode, output) = await RunComposeAsync("config", ("GRID_DASHBOARD_TOKEN", "test-token"));

        Assert.Equal(0, exitCode);

        // docker-compose 1.x prints a published port as "- HOST_IP:HOST:CONTAINER/tcp"; 2.x as a block with "host_ip:".
        var shortForm = Regex.Matches(output, @"^\s*-\s*(?<mapping>[\w.:\[\]]*\d+:\d+(/\w+)?)\s*$", RegexOptions.Multiline)
            .Select(m => m.Groups["mapping"].Value);
        var longForm = Regex.Matches(output, @"^\s*host_ip:\s*(?<ip>\S+)\s*$", RegexOptions.Multiline)
            .Select(m => m.Groups["ip"].Value + ":");
        var published = shortForm.Concat(longForm).ToArray();
        Assert.NotEmpty(published);
        Assert.All(published, mapping => Assert.StartsWith("127.0.0.1:", mapping, StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunComposeAsync(string arguments, (string Name, string? Value) variable)
    {
        var docker = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose is not installed; scripts/test.sh installs Debian's docker-compose.");
        var start = new ProcessStartInfo(docker, $"-f \"{ComposeFile}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(ComposeFile)!,
        };
        start.Environment.Remove(variable.Name);
        if (variable.Value is not null)
        {
            start.Environment[variable.Name] = variable.Value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
