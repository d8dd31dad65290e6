using Grid.Client;
using Grid.Cluster;
using Grid.Cluster.Silo;
using Grid.Cluster.Transport;

namespace Grid.Tests.Cluster.Units;

/// <summary>Cluster settings out of range are refused naming the setting (the TLS ones too), addresses are shown without their password, and the credit window bounds what is unconsumed.</summary>
public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData("not a uri", "Grid:Cluster:Connection must be an AMQP URI")]
    [InlineData("http://host/", "Grid:Cluster:Connection must use the scheme amqp or amqps")]
    public void BadConnection_IsNamed(string connection, string expected)
    {
        var failures = ClusterOptionsValidator.Check(new ClusterOptions { Connection = connection });

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BadName_AndTimings_AreNamedWithTheirAllowedValues()
    {
        var failures = ClusterOptionsValidator.Check(new ClusterOptions
        {
            Name = "Has Spaces",
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            MemberTimeout = TimeSpan.FromSeconds(3),
            MaxMessageBytes = 10,
            MaxJobsPerSilo = 0,
        }).ToList();

        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:Name must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MemberTimeout must be at least twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MaxMessageBytes must be between 4096", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MaxJobsPerSilo must be between 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqp://u:p@127.0.0.1:5672/" }));

    [Fact]
    public void TlsSettings_WithAmqps_AreValid()
    {
        var caFile = WriteTempFile(TestCertificates.SelfSignedCaPem("Grid settings test CA"));
        try
        {
            Assert.Empty(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@10.0.0.5:5671/", TlsCaFile = caFile, TlsServerName = "broker.example" }));
            Assert.Empty(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@broker.example/", TlsServerName = "10.0.0.5" }));
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public void TlsSettings_WithPlainAmqp_AreRefusedNamingEachSetting()
    {
        var failures = ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqp://u:p@127.0.0.1:5672/", TlsCaFile = "/nonexistent/ca.pem", TlsServerName = "broker.example" }).ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains("Grid:Cluster:TlsCaFile applies only to a TLS connection: Grid:Cluster:Connection must then use amqps://, not amqp://.", failures);
        Assert.Contains("Grid:Cluster:TlsServerName applies only to a TLS connection: Grid:Cluster:Connection must then use amqps://, not amqp://.", failures);
    }

    [Fact]
    public void TlsSettings_Blank_AreNotSet() =>
        Assert.Empty(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqp://u:p@127.0.0.1:5672/", TlsCaFile = "", TlsServerName = " " }));

    [Fact]
    public void TlsCaFile_Missing_IsRefusedNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"grid-tests-missing-{Guid.NewGuid():N}.pem");

        var failure = Assert.Single(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@127.0.0.1/", TlsCaFile = missing }));

        Assert.StartsWith($"Grid:Cluster:TlsCaFile must name a readable PEM file of CA certificates; '{missing}' cannot be read: ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a certificate\n")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void TlsCaFile_WithoutACertificate_IsRefused(string content)
    {
        var file = WriteTempFile(content);
        try
        {
            var failure = Assert.Single(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@127.0.0.1/", TlsCaFile = file }));

            Assert.Equal($"Grid:Cluster:TlsCaFile must name a PEM file of CA certificates; '{file}' holds none (no -----BEGIN CERTIFICATE----- block).", failure);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TlsCaFile_WithABrokenCertificate_IsRefused()
    {
        var file = WriteTempFile("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        try
        {
            var failure = Assert.Single(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@127.0.0.1/", TlsCaFile = file }));

            Assert.StartsWith($"Grid:Cluster:TlsCaFile must name a readable PEM file of CA certificates; '{file}' cannot be read: ", failure, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("host/path")]
    public void TlsServerName_NotAHostName_IsRefused(string name)
    {
        var failure = Assert.Single(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqps://u:p@127.0.0.1/", TlsServerName = name }));

        Assert.Equal($"Grid:Cluster:TlsServerName must be a host name or an IP address, such as broker.example or 10.0.0.5; got '{name}'.", failure);
    }

    [Fact]
    public async Task ConnectAsync_TlsCaFileWithPlainAmqp_ThrowsArgumentExceptionNamingTheClientOption()
    {
        var options = new ClusterClientOptions { TlsCaFile = "/nonexistent/ca.pem" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => GridClient.ConnectAsync("amqp://u:p@127.0.0.1:1/", options));

        Assert.StartsWith("ClusterClientOptions.TlsCaFile applies only to a TLS connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_LeavesOutThePassword()
    {
        var shown = Broker.Redact("amqp://grid:s3cret@broker.example:5672/prod");

        Assert.DoesNotContain("s3cret", shown, StringComparison.Ordinal);
        Assert.Contains("grid@broker.example:5672/prod", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreditWindow_WaitsUntilTheClientConsumes()
    {
        var window = new CreditWindow(10);
        await window.TakeAsync(8, CancellationToken.None);

        var blocked = window.TakeAsync(5, CancellationToken.None);
        Assert.False(blocked.IsCompleted);

        window.Release(8);
        await blocked.WaitAsync(TestKernels.TestLimits.Hang);
    }

    [Fact]
    public async Task CreditWindow_LetsALargeChunkThroughWhenNothingIsOutstanding()
    {
        var window = new CreditWindow(10);

        await window.TakeAsync(50, CancellationToken.None).WaitAsync(TestKernels.TestLimits.Hang);
    }

    private static string WriteTempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grid-tests-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, content);
        return path;
    }
}
