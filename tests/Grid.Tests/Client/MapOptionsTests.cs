using Grid.Client;

namespace Grid.Tests.Client;

[Trait("Category", "Fast")]
public sealed class MapOptionsTests
{
    [Fact]
    public void Validate_Defaults_DoesNotThrow()
    {
        new MapOptions().Validate();
        new MapOptions { ItemTimeout = TimeSpan.FromTicks(1), JobTimeout = TimeSpan.FromDays(1), MaxInFlight = 1, ProgressInterval = TimeSpan.Zero }.Validate();
    }

    [Theory]
    [InlineData(nameof(MapOptions.ItemTimeout))]
    [InlineData(nameof(MapOptions.JobTimeout))]
    public void Validate_InfiniteTimeout_ThrowsArgumentOutOfRangeNamingOption(string option)
    {
        var options = option == nameof(MapOptions.ItemTimeout)
            ? new MapOptions { ItemTimeout = Timeout.InfiniteTimeSpan }
            : new MapOptions { JobTimeout = Timeout.InfiniteTimeSpan };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(option, exception.ParamName);
        Assert.Contains("null for no limit", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeMaxInFlight_ThrowsArgumentOutOfRangeNamingOption()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(new MapOptions { MaxInFlight = -1 }.Validate);

        Assert.Equal(nameof(MapOptions.MaxInFlight), exception.ParamName);
    }

    [Fact]
    public void Validate_NegativeProgressInterval_ThrowsArgumentOutOfRangeNamingOption()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(new MapOptions { ProgressInterval = TimeSpan.FromMilliseconds(-1) }.Validate);

        Assert.Equal(nameof(MapOptions.ProgressInterval), exception.ParamName);
    }
}
