using Grid.Dashboard.Hosting;

namespace Grid.Tests.Dashboard;

[Trait("Category", "Fast")]
public sealed class DashboardOptionsValidatorTests
{
    private const string Token = "0123456789abcdef";

    private readonly DashboardOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(_validator.Validate(null, new DashboardOptions()).Succeeded);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5180")]
    [InlineData("http://127.0.0.2:80")]
    [InlineData("http://localhost:5180")]
    [InlineData("http://LOCALHOST:5180/")]
    [InlineData("http://[::1]:5180")]
    [InlineData("https://127.0.0.1:5443")]
    [InlineData("http://127.0.0.1:0; http://[::1]:0")]
    public void Validate_LoopbackWithoutToken_Succeeds(string urls)
    {
        Assert.True(_validator.Validate(null, new DashboardOptions { Urls = urls }).Succeeded);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5180")]
    [InlineData("http://*:5180")]
    [InlineData("http://+:5180")]
    [InlineData("http://[::]:5180")]
    [InlineData("http://192.168.1.20:5180")]
    [InlineData("http://grid.example.com:5180")]
    [InlineData("http://127.0.0.1:5180;http://10.0.0.1:5180")]
    public void Validate_NonLoopbackWithoutToken_FailsNamingTokenAndUrls(string urls)
    {
        var result = _validator.Validate(null, new DashboardOptions { Urls = urls });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Grid:Dashboard:Token must be set when Grid:Dashboard:Urls binds a non-loopback address", failure, StringComparison.Ordinal);
        Assert.Contains(urls.Split(';')[^1], failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5180")]
    [InlineData("http://*:5180")]
    public void Validate_NonLoopbackWithToken_Succeeds(string urls)
    {
        Assert.True(_validator.Validate(null, new DashboardOptions { Urls = urls, Token = Token }).Succeeded);
    }

    [Fact]
    public void Validate_EmptyToken_CountsAsNone()
    {
        var result = _validator.Validate(null, new DashboardOptions { Urls = "http://0.0.0.0:5180", Token = string.Empty });

        Assert.True(result.Failed);
    }

    [Fact]
    public void Validate_ShortToken_FailsNamingTheSetting()
    {
        var result = _validator.Validate(null, new DashboardOptions { Token = "short" });

        Assert.Equal("Grid:Dashboard:Token must be at least 16 characters long; got 5.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:5180/dashboard")]
    public void Validate_MalformedUrls_FailsNamingTheSetting(string urls)
    {
        var result = _validator.Validate(null, new DashboardOptions { Urls = urls });

        Assert.StartsWith("Grid:Dashboard:Urls must ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
