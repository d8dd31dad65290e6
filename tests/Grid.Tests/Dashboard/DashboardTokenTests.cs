using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grid.TestingHost;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Dashboard;

/// <summary>A dashboard with an access token refuses every request without it, and even with it changes nothing.</summary>
[Trait("Category", "Fast")]
public sealed class DashboardTokenTests : IAsyncLifetime
{
    private const string Token = "s3cret-token-for-tests-0123456789";

    private TestCluster? _cluster;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DashboardClusterFixture.StartClusterAsync(o => o.Token = Token);
        _http = new HttpClient { BaseAddress = DashboardClusterFixture.AddressOf(_cluster), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/silos")]
    [InlineData("/api/jobs")]
    [InlineData("/api/stored-jobs")]
    [InlineData("/api/stored-jobs?limit=5")]
    [InlineData("/api/events")]
    [InlineData("/orleans/")]
    [InlineData("/orleans/index.min.js")]
    [InlineData("/orleans/ClusterStats")]
    [InlineData("/orleans/Trace")]
    public async Task Get_NoToken_Returns401WithJsonError(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("access token", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(Token + "x")]
    [InlineData("s3cret-token-for-tests-012345678")]
    public async Task Get_WrongBearer_Returns401(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/jobs", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WrongTokenInQuery_Returns401()
    {
        using var response = await _http.GetAsync(new Uri("/api/jobs?access_token=wrong", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/orleans/", "text/html")]
    [InlineData("/orleans/version", "application/json")]
    [InlineData("/orleans/ClusterStats", "application/json")]
    public async Task Get_OrleansDashboardWithRightBearer_Returns200(string path, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OrleansDashboardWithTokenInQuery_SetsTheCookieItsOwnRequestsThenCarry()
    {
        using var first = await _http.GetAsync(new Uri($"/orleans/?access_token={Token}", UriKind.Relative));
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/orleans/ClusterStats", UriKind.Relative));
        request.Headers.Add("Cookie", cookie[..cookie.IndexOf(';', StringComparison.Ordinal)]);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_RightBearer_Returns200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/silos", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_TokenInQuery_Returns200AndACookieThatAuthenticatesLaterRequests()
    {
        using var response = await _http.GetAsync(new Uri($"/?access_token={Token}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);
        using var next = new HttpRequestMessage(HttpMethod.Get, new Uri("/app.js", UriKind.Relative));
        next.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var script = await _http.SendAsync(next);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Get_EventsWithTokenInQuery_StreamsUpdates()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await _http.GetAsync(new Uri($"/api/events?access_token={Token}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));

        using var update = await DashboardApiTests.ReadUpdateAsync(reader, guard.Token);

        Assert.Single(update.RootElement.GetProperty("silos").EnumerateArray());
    }

    [Fact]
    public async Task Post_RightToken_Returns405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/jobs", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task StartAsync_NonLoopbackUrlsWithoutToken_FailsNamingTheSetting(string urls)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => DashboardClusterFixture.StartClusterAsync(o => o.Urls = urls));

        var failure = Assert.Single(exception.Failures);
        Assert.StartsWith("Grid:Dashboard:Token must be set when Grid:Dashboard:Urls binds a non-loopback address (got ", failure, StringComparison.Ordinal);
        Assert.Contains(urls.Split(';')[^1], failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NonLoopbackUrlsWithToken_Listens()
    {
        await using var cluster = await DashboardClusterFixture.StartClusterAsync(o => (o.Urls, o.Token) = ("http://0.0.0.0:0", Token));

        var address = DashboardClusterFixture.AddressOf(cluster);
        Assert.Equal("0.0.0.0", address.Host);
        Assert.NotEqual(0, address.Port);
    }
}
