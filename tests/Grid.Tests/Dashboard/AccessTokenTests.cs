using Grid.Dashboard.Security;

namespace Grid.Tests.Dashboard;

[Trait("Category", "Fast")]
public sealed class AccessTokenTests
{
    private readonly AccessToken _token = new("the-right-token-0123");

    [Theory]
    [InlineData("the-right-token-0123", true)]
    [InlineData("the-right-token-012", false)]
    [InlineData("the-right-token-01234", false)]
    [InlineData("THE-RIGHT-TOKEN-0123", false)]
    [InlineData("", false)]
    public void Matches_Candidate_IsTrueOnlyForTheToken(string candidate, bool expected)
    {
        Assert.Equal(expected, _token.Matches(candidate));
    }

    [Fact]
    public void MatchesCookie_CookieValue_IsTrueAndTheValueIsNotTheToken()
    {
        Assert.True(_token.MatchesCookie(_token.CookieValue));
        Assert.False(_token.MatchesCookie("the-right-token-0123"));
        Assert.DoesNotContain("the-right-token", _token.CookieValue, StringComparison.Ordinal);
    }
}
