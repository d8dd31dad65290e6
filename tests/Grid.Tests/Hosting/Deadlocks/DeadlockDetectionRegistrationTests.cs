using Grid.Hosting.Deadlocks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>What <see cref="DeadlockSiloBuilderExtensions.AddGridDeadlockDetection"/> registers on a silo's services.</summary>
[Trait("Category", "Fast")]
public sealed class DeadlockDetectionRegistrationTests
{
    [Fact]
    public void AddGridDeadlockDetection_CalledTwice_RegistersOneFilterEachWay()
    {
        var silo = new ServicesOnlySiloBuilder();

        var returned = silo.AddGridDeadlockDetection().AddGridDeadlockDetection();

        Assert.Same(silo, returned);
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IIncomingGrainCallFilter));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IOutgoingGrainCallFilter));
    }

    private sealed class ServicesOnlySiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
