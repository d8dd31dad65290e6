using Grid.Client;

namespace Grid.Tests.Client;

/// <summary><see cref="GridClient.ConnectAsync"/> refuses options out of range before it tries to reach anything, naming the option.</summary>
[Trait("Category", "Fast")]
public sealed class ClusterClientOptionsTests
{
    // Nothing listens on port 1: an option checked too late would fail on the connection instead, with another message.
    private const string Nowhere = "127.0.0.1:1,password=unused";

    [Fact]
    public async Task ConnectAsync_NoClusterName_ThrowsNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GridClient.ConnectAsync(Nowhere, new ClusterClientOptions { Name = " " }));

        Assert.Contains("ClusterClientOptions.Name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ZeroSilenceTimeout_ThrowsNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GridClient.ConnectAsync(Nowhere, new ClusterClientOptions { JobSilenceTimeout = TimeSpan.Zero }));

        Assert.Contains("JobSilenceTimeout", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65_535)]
    public async Task ConnectAsync_MessageLimitUnder64KiB_ThrowsNamingTheOption(int bytes)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GridClient.ConnectAsync(Nowhere, new ClusterClientOptions { MaxMessageBytes = bytes }));

        Assert.Contains("ClusterClientOptions.MaxMessageBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
