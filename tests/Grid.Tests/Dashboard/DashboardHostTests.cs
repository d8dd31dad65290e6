using System.Net;

namespace Grid.Tests.Dashboard;

/// <summary>Without a token the dashboard answers only requests addressed to loopback, so a page that rebinds its own name to 127.0.0.1 reads nothing.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Fast")]
public sealed class DashboardHostTests(DashboardClusterFixture cluster)
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("192.168.1.10")]
    public async Task Get_NoTokenAndANonLoopbackHost_Returns403(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.BaseAddress, "/api/jobs"));
        request.Headers.Host = $"{host}:{cluster.BaseAddress.Port}";

        using var response = await cluster.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task Get_NoTokenAndALoopbackHost_Returns200(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.BaseAddress, "/api/jobs"));
        request.Headers.Host = $"{host}:{cluster.BaseAddress.Port}";

        using var response = await cluster.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
