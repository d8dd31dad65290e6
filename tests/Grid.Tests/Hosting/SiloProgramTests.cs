using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grid.Tests.Cluster;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Hosting;

/// <summary>The silo program (<c>grid-silo</c>) as an operator runs it, alone, with no Redis: what a bad setting prints, the dashboard's
/// token off loopback, and settings from an <c>appsettings.json</c>.</summary>
/// <remarks>Bad cluster settings of a silo on Redis are in <see cref="SiloStartupTests"/>.</remarks>
[Trait("Category", "Cluster")]
public sealed partial class SiloProgramTests : IDisposable
{
    private const string Token = "a-token-of-twenty-chars";

    private readonly string _folder = Directory.CreateTempSubdirectory("grid-silo-program-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("Grid__Silo__MaxLocalWorkers", "0", "grid-silo: Grid:Silo:MaxLocalWorkers must be between 1 and 4096; got 0.")]
    [InlineData("Grid__Silo__MaxLocalWorkers", "many", "grid-silo: Failed to convert configuration value 'many' at 'Grid:Silo:MaxLocalWorkers' to type 'System.Int32'.")]
    [InlineData("Grid__Cluster__SiloPort", "99999", "grid-silo: Grid:Cluster:SiloPort must be between 1 and 65535; got 99999.")]
    [InlineData("Grid__Jobs__Lease", "00:00:01", "grid-silo: Grid:Jobs:Lease must be between 00:00:02 and 00:10:00; got 00:00:01.")]
    [InlineData("Grid__Dashboard__Enabled", "maybe", "grid-silo: Grid:Dashboard:Enabled must be true or false; got 'maybe'.")]
    [InlineData("Grid__Jobs__Store", "not-a-connection-string", "grid-silo: Grid:Jobs:Store is not an Npgsql connection string (Host=...;Database=...;Username=...;Password=...): ")]
    [InlineData("Grid__Jobs__Store", "Host=127.0.0.1;Port=1;Database=grid;Username=grid;Password=secret", "grid-silo: The job store (Grid:Jobs:Store, Host=127.0.0.1;Port=1;Database=grid;Username=grid) cannot be reached: ")]
    public async Task Start_BadSetting_ExitsTwoWithOneLineNamingIt(string variable, string value, string line)
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "bad-setting",
            Settings = new Dictionary<string, string> { [variable] = value },
        });

        Assert.Equal(2, await silo.WaitForExitAsync(TestLimits.Hang));
        var error = Assert.Single(ErrorLines(silo));

        // The connection string's own complaint, after the colon, is Npgsql's wording; every other line is whole.
        Assert.StartsWith(line, error, StringComparison.Ordinal);
        Assert.True(line.EndsWith(": ", StringComparison.Ordinal) || error == line, error);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://127.0.0.1:0;http://*:0")]
    public async Task Start_DashboardOffLoopbackWithoutToken_ExitsTwoWithOneLineAskingForIt(string urls)
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "open-dashboard",
            Settings = new Dictionary<string, string> { ["Grid__Dashboard__Enabled"] = "true", ["Grid__Dashboard__Urls"] = urls },
        });

        Assert.Equal(2, await silo.WaitForExitAsync(TestLimits.Hang));
        var nonLoopback = urls.Split(';')[^1];
        Assert.Equal(
            $"grid-silo: Grid:Dashboard:Token must be set when Grid:Dashboard:Urls binds a non-loopback address (got {nonLoopback}).",
            Assert.Single(ErrorLines(silo)));
    }

    [Fact]
    public async Task Start_DashboardOffLoopbackWithToken_AnswersOnlyRequestsThatCarryIt()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "guarded-dashboard",
            Settings = new Dictionary<string, string>
            {
                ["Grid__Dashboard__Enabled"] = "true",
                ["Grid__Dashboard__Urls"] = "http://0.0.0.0:0",
                ["Grid__Dashboard__Token"] = Token,
            },
        });
        var listening = await silo.WaitForLineAsync(SiloProcess.DashboardListeningLine, TestLimits.Hang);
        Assert.Contains("(access token required: True)", listening, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = SiloProcess.DashboardAddress(listening), Timeout = TestLimits.Hang };

        using var without = await http.GetAsync(new Uri("/api/silos", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/silos", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var with = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        using var silos = JsonDocument.Parse(await with.Content.ReadAsStringAsync());
        Assert.Equal("guarded-dashboard", Assert.Single(silos.RootElement.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Dashboard_LoggingAtTrace_NeverWritesTheTokenWhereverARequestCarriedIt()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "token-in-logs",
            Settings = new Dictionary<string, string>
            {
                ["Grid__Dashboard__Enabled"] = "true",
                ["Grid__Dashboard__Urls"] = "http://127.0.0.1:0",
                ["Grid__Dashboard__Token"] = Token,
                ["Logging__LogLevel__Default"] = "Trace",
                ["Logging__LogLevel__Microsoft"] = "Trace",
                ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            },
        });
        var listening = await silo.WaitForLineAsync(SiloProcess.DashboardListeningLine, TestLimits.Hang);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = SiloProcess.DashboardAddress(listening), Timeout = TestLimits.Hang };

        // The token in the query (which sets the cookie), as a bearer, as the cookie, on Grid's pages and Orleans'; and a wrong one.
        using var query = await http.GetAsync(new Uri($"/api/silos?access_token={Token}", UriKind.Relative));
        var cookie = Assert.Single(query.Headers.GetValues("Set-Cookie")).Split(';')[0];
        using var orleansQuery = await http.GetAsync(new Uri($"/orleans/?access_token={Token}", UriKind.Relative));
        using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/jobs", UriKind.Relative));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var byBearer = await http.SendAsync(bearer);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, new Uri("/orleans/ClusterStats", UriKind.Relative));
        withCookie.Headers.Add("Cookie", cookie);
        using var byCookie = await http.SendAsync(withCookie);
        using var wrong = await http.GetAsync(new Uri($"/api/silos?access_token={Token}-wrong", UriKind.Relative));
        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized),
            (query.StatusCode, orleansQuery.StatusCode, byBearer.StatusCode, byCookie.StatusCode, wrong.StatusCode));
        Assert.Equal(0, await silo.TerminateAsync());

        // ASP.NET Core did log below Information (so no level setting kept the token out), and no line holds the token or the cookie made from it.
        var lines = silo.Lines;
        Assert.Contains(lines, l => l.Contains(" dbug: Microsoft.AspNetCore.", StringComparison.Ordinal) || l.Contains(" trce: Microsoft.AspNetCore.", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(cookie.Split('=', 2)[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_AppsettingsJsonInItsFolder_RunsWithTheFilesSettings()
    {
        // The settings an operator writes into appsettings.json beside the running silo (its content root): a name, a cluster,
        // workers and where the dashboard listens. None of them comes from the environment.
        await File.WriteAllTextAsync(Path.Combine(_folder, "appsettings.json"), """
            {
              "Grid": {
                "Silo": { "Name": "from-the-file", "MaxLocalWorkers": 3 },
                "Cluster": { "Name": "file-cluster" },
                "Dashboard": { "Enabled": true, "Urls": "http://127.0.0.1:0" }
              }
            }
            """);
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "appsettings",
            WorkingDirectory = _folder,
            Settings = new Dictionary<string, string>
            {
                ["Grid__Silo__Name"] = string.Empty,
                ["Grid__Silo__MaxLocalWorkers"] = string.Empty,
                ["Grid__Dashboard__Enabled"] = string.Empty,
            },
        });

        await silo.WaitForLineAsync("Silo from-the-file joined cluster file-cluster at ", TestLimits.Hang);
        var listening = await silo.WaitForLineAsync("Dashboard listening on http://127.0.0.1:", TestLimits.Hang);
        using var http = new HttpClient { BaseAddress = SiloProcess.DashboardAddress(listening), Timeout = TestLimits.Hang };
        using var silos = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/silos", UriKind.Relative)));
        var view = Assert.Single(silos.RootElement.EnumerateArray());

        Assert.Equal("from-the-file", view.GetProperty("name").GetString());
        Assert.Equal(3, view.GetProperty("maxWorkers").GetInt32());
    }

    private static List<string> ErrorLines(SiloProcess silo)
        => [.. silo.Lines.Where(l => l.StartsWith("[err] ", StringComparison.Ordinal)).Select(l => l["[err] ".Length..])];
}
