using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grid.Client;
using Grid.Diagnostics;
using Grid.Fetch;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Fetch;

[Collection(FetchCollection.Name)]
[Trait("Category", "Fast")]
public sealed class FetchPolicyTests(FetchFixture fixture)
{
    private FetchTestServer Server => fixture.Server;

    [Fact]
    public async Task Fetch_NameResolvingToADeniedAddress_IsDeniedAfterResolution()
    {
        // "localhost" passes every check on the name; only its addresses, checked as the connection is made, are denied.
        await using var cluster = await FetchFixture.StartClusterAsync(o => o.DenyLoopback = true);
        var path = $"/ok?id={Guid.NewGuid():N}";

        var result = Assert.Single(await cluster.Client.Fetch([Server.Url(path, host: "localhost")], FetchFixture.Quick()).ReadAllAsync());

        Assert.Equal(FetchReasons.Denied, result.Value!.Reason);
        Assert.Contains("DenyLoopback", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.Value.Attempts);
        Assert.Equal(0, Server.AttemptsOf(path));
    }

    [Fact]
    public async Task Fetch_DeniedNetworkConfigured_DeniesItsAddresses()
    {
        await using var cluster = await FetchFixture.StartClusterAsync(o => o.DeniedNetworks = ["127.0.0.0/8"]);
        var path = $"/ok?id={Guid.NewGuid():N}";

        var result = Assert.Single(await cluster.Client.Fetch([Server.Url(path)], FetchFixture.Quick()).ReadAllAsync());

        Assert.Equal(FetchReasons.Denied, result.Value!.Reason);
        Assert.Contains("127.0.0.0/8", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, Server.AttemptsOf(path));
    }

    [Fact]
    public async Task Fetch_HostLists_DenyWhatTheyDoNotAllow()
    {
        await using var cluster = await FetchFixture.StartClusterAsync(o =>
        {
            o.AllowedHosts = ["127.0.0.1", "*.example.com"];
            o.DeniedHosts = ["bad.example.com"];
        });
        string[] urls = [Server.Url("/ok"), Server.Url("/ok", host: "localhost"), "http://bad.example.com/", "http://good.example.com.invalid/"];

        var results = (await cluster.Client.Fetch(urls, FetchFixture.Quick()).ReadAllAsync()).OrderBy(r => r.Index).ToList();

        Assert.True(results[0].IsSuccess, results[0].Error?.Message);
        Assert.Contains("AllowedHosts", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("DeniedHosts", results[2].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(FetchReasons.Denied, results[3].Value!.Reason);
    }

    [Fact]
    public async Task Fetch_SchemeNotAllowed_IsThatItemsError()
    {
        await using var cluster = await FetchFixture.StartClusterAsync(o => o.AllowedSchemes = ["https"]);

        var result = Assert.Single(await cluster.Client.Fetch([Server.Url("/ok")], FetchFixture.Quick()).ReadAllAsync());

        Assert.Equal(FetchReasons.UnsupportedScheme, result.Value!.Reason);
    }

    [Theory]
    [InlineData("AllowedSchemes", "Grid:Fetch:AllowedSchemes may list only http and https; got 'ftp'")]
    [InlineData("DeniedNetworks", "Grid:Fetch:DeniedNetworks must list address ranges in CIDR form")]
    [InlineData("AllowedHosts", "Grid:Fetch:AllowedHosts must list host names")]
    [InlineData("UploadRoots", "Grid:Fetch:UploadRoots must list absolute folder paths; got 'relative/path'")]
    [InlineData("MaxConcurrency", "Grid:Fetch:MaxConcurrency must be between 1 and 1000000; got 0")]
    public async Task StartEmbeddedAsync_BadFetchSetting_FailsNamingIt(string setting, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => FetchFixture.StartClusterAsync(o =>
        {
            switch (setting)
            {
                case "AllowedSchemes": o.AllowedSchemes = ["ftp"]; break;
                case "DeniedNetworks": o.DeniedNetworks = ["not-a-range"]; break;
                case "AllowedHosts": o.AllowedHosts = ["bad host"]; break;
                case "UploadRoots": o.UploadRoots = ["relative/path"]; break;
                default: o.MaxConcurrency = 0; break;
            }
        }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_ConcurrencyOverTheSilosCeiling_FailsTheJob()
    {
        await using var cluster = await FetchFixture.StartClusterAsync(o => o.MaxConcurrency = 10);

        var error = await Assert.ThrowsAsync<GridException>(() => cluster.Client.Fetch([Server.Url("/ok")], new FetchOptions { MaxConcurrency = 11 }).ReadAllAsync());

        Assert.Contains("Grid:Fetch:MaxConcurrency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WithListeners_RecordsASpanPerRequestUnderTheJobAndCountsOutcomes()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GridTelemetry.FetchSourceName or GridTelemetry.JobsSourceName or GridTelemetry.ClientSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var outcomes = new List<(long Value, string? Outcome)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == GridInstruments.FetchOutcomes)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == GridTags.FetchOutcome)
                {
                    outcome = tag.Value as string;
                }
            }

            lock (outcomes)
            {
                outcomes.Add((value, outcome));
            }
        });
        meters.Start();

        var job = fixture.Client.Fetch([Server.Url("/ok?span=1"), Server.Url("/status/404?span=1")], FetchFixture.Quick());
        await job.ReadAllAsync();
        var id = job.Id.ToString();

        lock (spans)
        {
            var jobSpan = Assert.Single(spans, s => s.OperationName == "grid.job fetch" && (string?)s.GetTagItem(GridTags.JobId) == id);
            var requests = spans.Where(s => s.Source.Name == GridTelemetry.FetchSourceName && (string?)s.GetTagItem(GridTags.JobId) == id).ToList();
            Assert.Equal(2, requests.Count);
            Assert.All(requests, r => Assert.Equal(jobSpan.SpanId, r.ParentSpanId));
            Assert.Single(requests, r => r.Status == ActivityStatusCode.Error && (string?)r.GetTagItem(GridTags.FetchOutcome) == "http-404");
        }

        lock (outcomes)
        {
            Assert.Contains(outcomes, o => o.Outcome == "http-404");
            Assert.Contains(outcomes, o => o.Outcome == "ok");
        }
    }
}
