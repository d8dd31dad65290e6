using Grid.Client;
using Grid.Cluster.Transport;
using Grid.Kernels;
using Grid.Tests.Cli;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>Silos, clients and the grid command reach the broker over TLS (amqps) behind a private CA, and refuse a certificate that is not trusted or not for the broker's name.</summary>
/// <remarks>The test broker's TLS listener (scripts/rabbitmq.sh) has a certificate for localhost and 127.0.0.1 signed by a CA of its own, which no system store trusts.</remarks>
[Collection(BrokerCollection.Name)]
public sealed class BrokerTlsTests(BrokerFixture broker, BrokerTlsTests.TlsCluster shared) : IClassFixture<BrokerTlsTests.TlsCluster>
{
    [Fact]
    public async Task Map_SiloAndClientOverTlsWithTheCaFile_DeliverEveryResultOnce()
    {
        var cluster = await shared.GetAsync(broker);
        var connected = await cluster.Silos[0].WaitForLineAsync("Connected to the broker at ", TestLimits.Hang);
        Assert.Contains(Broker.Redact(broker.TlsConnectionString), connected, StringComparison.Ordinal);
        await using var client = await GridClient.ConnectAsync(broker.TlsConnectionString, new ClusterClientOptions { Name = cluster.Name, TlsCaFile = broker.CaFile });
        var inputs = Enumerable.Range(0, 200).Select(i => ClusterWorkload.SlowPrimeStart + i).ToArray();

        var results = await client.Map<long, bool>(BuiltInKernels.IsPrime, inputs).ReadAllAsync();

        ClusterWorkload.AssertVerdicts(results, inputs);
        Assert.All(results, r => Assert.StartsWith(cluster.Silos[0].Name, r.Worker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_TlsServerNameTheCertificateHolds_Connects()
    {
        var cluster = await shared.GetAsync(broker);
        var options = new ClusterClientOptions { Name = cluster.Name, TlsCaFile = broker.CaFile, TlsServerName = "localhost" };

        await using var client = await GridClient.ConnectAsync(broker.TlsConnectionString, options);
        var silos = await client.GetSilosAsync().WaitAsync(TestLimits.Hang);

        Assert.Contains(silos, s => s.Name == cluster.Silos[0].Name);
    }

    [Fact]
    public async Task ConnectAsync_TlsWithoutTheCa_FailsAtOnceSayingTheCertificateIsNotTrusted()
    {
        // Were the refusal taken for an unreachable broker, the client would go on trying for an hour and the hang guard would fire.
        var options = new ClusterClientOptions { Name = BrokerFixture.NewClusterName(), ConnectTimeout = TimeSpan.FromHours(1) };

        var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync(broker.TlsConnectionString, options).WaitAsync(TestLimits.Hang));

        Assert.StartsWith($"The broker at {Broker.Redact(broker.TlsConnectionString)} presented a TLS certificate that is not trusted (untrusted chain", error.Message, StringComparison.Ordinal);
        Assert.Contains("TlsCaFile", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("name mismatch", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password(broker.TlsConnectionString), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_WrongTlsServerName_FailsAtOnceNamingTheMismatch()
    {
        var options = new ClusterClientOptions
        {
            Name = BrokerFixture.NewClusterName(),
            TlsCaFile = broker.CaFile,
            TlsServerName = "broker.invalid",
            ConnectTimeout = TimeSpan.FromHours(1),
        };

        var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync(broker.TlsConnectionString, options).WaitAsync(TestLimits.Hang));

        Assert.StartsWith($"The broker at {Broker.Redact(broker.TlsConnectionString)} presented a TLS certificate whose names (localhost, 127.0.0.1) do not match the server name 'broker.invalid' (name mismatch)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not trusted", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password(broker.TlsConnectionString), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CaFileOfAnotherCa_FailsSayingTheCertificateIsNotTrusted()
    {
        var otherCa = Path.Combine(Path.GetTempPath(), $"grid-tests-other-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(otherCa, TestCertificates.SelfSignedCaPem("Some other CA"));
        try
        {
            var options = new ClusterClientOptions { Name = BrokerFixture.NewClusterName(), TlsCaFile = otherCa, ConnectTimeout = TimeSpan.FromHours(1) };

            var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync(broker.TlsConnectionString, options).WaitAsync(TestLimits.Hang));

            Assert.Contains("presented a TLS certificate that is not trusted (untrusted chain", error.Message, StringComparison.Ordinal);
            Assert.Contains($"does not chain to a CA of {otherCa}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(otherCa);
        }
    }

    [Fact]
    public async Task Silo_TlsWithoutTheCa_ExitsNonZeroSayingTheCertificateIsNotTrustedWithoutAStackTrace()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "untrusted-broker",
            ClusterConnection = broker.TlsConnectionString,
            ClusterName = BrokerFixture.NewClusterName(),
        });

        var exitCode = await silo.WaitForExitAsync(TestLimits.Hang);

        Assert.True(exitCode is not 0 and < 128, $"exit code {exitCode}\n{silo.Log}");
        Assert.Contains(silo.Lines, line => line.Contains("presented a TLS certificate that is not trusted", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Lines, line => line.Contains(Password(broker.TlsConnectionString), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Silo_TlsCaFileWithPlainAmqp_ExitsTwoNamingTheSetting()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "ca-without-tls",
            ClusterConnection = broker.ConnectionString,
            ClusterName = BrokerFixture.NewClusterName(),
            Settings = new Dictionary<string, string> { ["Grid__Cluster__TlsCaFile"] = broker.CaFile },
        });

        var exitCode = await silo.WaitForExitAsync(TestLimits.Hang);

        Assert.True(exitCode == 2, $"exit code {exitCode}\n{silo.Log}");
        Assert.Contains(silo.Lines, line => line.Contains("Grid:Cluster:TlsCaFile applies only to a TLS connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TlsListener_IsBoundToLoopbackOnly()
    {
        var port = new Uri(broker.TlsConnectionString).Port;

        var sockets = await ToolRunner.RunAsync("ss", ["-ltnH"]);

        Assert.Equal(0, sockets.ExitCode);
        var listening = sockets.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .Where(address => address.EndsWith($":{port}", StringComparison.Ordinal))
            .ToList();
        Assert.Contains($"127.0.0.1:{port}", listening);
        Assert.All(listening, address => Assert.True(
            address.StartsWith("127.", StringComparison.Ordinal) || address.StartsWith("[::1]:", StringComparison.Ordinal),
            $"the broker's TLS listener is on {address}; every socket on port {port}: {string.Join(", ", listening)}"));
    }

    [Fact]
    public async Task TlsCaCommand_PrintsTheCaTheTestsTrust()
    {
        var result = await ToolRunner.RunAsync("bash", [RepositoryPaths.Combine("scripts", "rabbitmq.sh"), "tls-ca"]);

        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Equal(broker.CaFile, result.Output.Trim());
    }

    [Fact]
    public async Task Status_OverTlsWithClusterCa_ListsTheSilo()
    {
        var cluster = await shared.GetAsync(broker);

        var result = await CliRunner.RunAsync("status", "--cluster", broker.TlsConnectionString, "--cluster-ca", broker.CaFile, "--cluster-name", cluster.Name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.Out.Split('\n'), line => line.StartsWith(cluster.Silos[0].Name + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_OverTlsWithTheCaInTheEnvironment_ListsTheSilo()
    {
        var cluster = await shared.GetAsync(broker);
        var environment = new Dictionary<string, string?>
        {
            ["GRID_CLUSTER"] = broker.TlsConnectionString,
            ["GRID_CLUSTER_CA"] = broker.CaFile,
            ["GRID_CLUSTER_NAME"] = cluster.Name,
        };

        var result = await ToolRunner.RunAsync(DotnetHost(), [GridProgram(), "status"], environment);

        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains(result.Output.Split('\n'), line => line.StartsWith(cluster.Silos[0].Name + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_OverTlsWithoutClusterCa_ExitsOneSayingTheCertificateIsNotTrusted()
    {
        var result = await CliRunner.RunAsync("status", "--cluster", broker.TlsConnectionString, "--cluster-name", BrokerFixture.NewClusterName());

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"grid: The broker at {Broker.Redact(broker.TlsConnectionString)} presented a TLS certificate that is not trusted", line, StringComparison.Ordinal);
        Assert.Contains("--cluster-ca", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password(broker.TlsConnectionString), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_ClusterCaWithPlainAmqp_ExitsTwoNamingClusterCa()
    {
        var result = await CliRunner.RunAsync("status", "--cluster", broker.ConnectionString, "--cluster-ca", broker.CaFile);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("grid: --cluster-ca", line, StringComparison.Ordinal);
        Assert.Contains("amqps://", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_ClusterCaThatIsNoFile_ExitsTwoNamingClusterCa()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"grid-tests-missing-{Guid.NewGuid():N}.pem");

        var result = await CliRunner.RunAsync("status", "--cluster", broker.TlsConnectionString, "--cluster-ca", missing);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"grid: --cluster-ca must name a readable PEM file of CA certificates; '{missing}' cannot be read", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_ClusterCaWithoutACluster_ExitsTwoNamingClusterCa()
    {
        var result = await CliRunner.RunAsync("primes", "--cluster-ca", broker.CaFile, "97");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("grid: --cluster-ca is the CA of a cluster's TLS broker", line, StringComparison.Ordinal);
    }

    private static string Password(string uri) => Uri.UnescapeDataString(new Uri(uri).UserInfo.Split(':', 2)[1]);

    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    private static string GridProgram()
    {
        // The grid program as its own project builds it (next to the tests it would resolve the test host's dependencies instead).
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var program = RepositoryPaths.Combine("client", "Grid.Cli", "bin", output.Parent!.Name, output.Name, "grid.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the tests with their project, which builds client/Grid.Cli");
        return program;
    }

    /// <summary>One silo joined over TLS with the CA file, shared by the tests of the class that leave it as they found it; started by the first test that asks.</summary>
    public sealed class TlsCluster : IAsyncLifetime
    {
        private readonly SemaphoreSlim _starting = new(1, 1);
        private SiloCluster? _cluster;

        /// <summary>Gets the cluster, starting it on the first call.</summary>
        public async Task<SiloCluster> GetAsync(BrokerFixture broker)
        {
            ArgumentNullException.ThrowIfNull(broker);
            await _starting.WaitAsync();
            try
            {
                return _cluster ??= await SiloCluster.StartAsync(broker, 1, options => options with
                {
                    ClusterConnection = broker.TlsConnectionString,
                    Settings = new Dictionary<string, string> { ["Grid__Cluster__TlsCaFile"] = broker.CaFile },
                });
            }
            finally
            {
                _starting.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }

            _starting.Dispose();
        }
    }
}
