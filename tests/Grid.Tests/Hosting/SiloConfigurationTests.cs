using Grid.Client;
using Grid.Hosting;
using Grid.Kernels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Hosting;

[Trait("Category", "Fast")]
public sealed class SiloConfigurationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task StartEmbeddedAsync_MaxLocalWorkersOutOfRange_FailsNamingTheSetting(int workers)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => GridClient.StartEmbeddedAsync(silo => silo.Configure(o => o.MaxLocalWorkers = workers)));

        Assert.Contains("Grid:Silo:MaxLocalWorkers must be between 1 and 4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEmbeddedAsync_NegativeIdleTimeout_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => GridClient.StartEmbeddedAsync(silo => silo.Configure(o => o.IdleTimeout = TimeSpan.FromSeconds(-1))));

        Assert.Contains("Grid:Silo:IdleTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEmbeddedAsync_TwoKernelsWithOneName_FailsNamingBoth()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => GridClient.StartEmbeddedAsync(silo => silo.AddKernel<EchoKernel>("is-prime")));

        Assert.Contains("'is-prime' is registered twice", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(EchoKernel), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKernel_TypeThatIsNotAKernel_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new GridBuilder(new ServiceCollection()).AddKernel<string>("text"));

        Assert.Contains("System.String is not a kernel", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData("")]
    public void AddKernel_MalformedName_ThrowsNamingTheRule(string name)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new GridBuilder(new ServiceCollection()).AddKernel<EchoKernel>(name));

        Assert.Contains("lower-case letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKernelsFromAssembly_KernelAttribute_RegistersTheKernelByItsName()
    {
        await using var client = await GridClient.StartEmbeddedAsync(silo => silo.AddKernelsFromAssembly(typeof(EchoKernel).Assembly));

        Assert.Equal("echo:hi", await client.SubmitAsync<string, string>("test-echo", "hi"));
    }
}

[Kernel("test-echo")]
public sealed class EchoKernel : IKernel<string, string>
{
    public string Execute(string input, CancellationToken cancellationToken) => "echo:" + input;
}
