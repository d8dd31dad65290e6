using Grid.Jobs;
using Grid.Kernels;
using Grid.Hosting;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Kernels;

[Trait("Category", "Fast")]
public sealed class KernelRetryTests
{
    [Fact]
    public void KernelRegistry_RetryAttribute_GivesTheKernelItsPolicy()
    {
        var registry = Registry([new KernelRetryRegistration(FlakyKernel.Name, new RetryPolicy { MaxAttempts = 7 })]);

        Assert.Equal(4, registry.GetRetry(RetriedFlakyKernel.Name)!.MaxAttempts);
        Assert.Equal([typeof(IOException).FullName!], registry.GetRetry(RetriedFlakyKernel.Name)!.RetryOn);
        Assert.Equal(7, registry.GetRetry(FlakyKernel.Name)!.MaxAttempts);
        Assert.Null(registry.GetRetry("other"));
    }

    [Fact]
    public void KernelRegistry_PolicyForAnUnregisteredKernel_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Registry([new KernelRetryRegistration("missing", new RetryPolicy())]));

        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetKernelRetry_InvalidPolicy_ThrowsNamingTheKernelAndSetting()
    {
        var silo = new GridBuilder(new ServiceCollection());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => silo.SetKernelRetry("flaky", new RetryPolicy { MaxAttempts = 0 }));

        Assert.Contains("kernel 'flaky': Retry.MaxAttempts must be between 1 and 1000; got 0.", error.Message, StringComparison.Ordinal);
    }

    private static KernelRegistry Registry(KernelRetryRegistration[] retries) => new(
        [new KernelRegistration(FlakyKernel.Name, typeof(FlakyKernel), new FlakyKernel()), new KernelRegistration(RetriedFlakyKernel.Name, typeof(RetriedFlakyKernel), new RetriedFlakyKernel())],
        retries,
        new ServiceCollection().BuildServiceProvider());
}
