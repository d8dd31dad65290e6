using Grid.Client;
using Grid.Fetch;
using Grid.Jobs;
using Grid.TestingHost;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Fetch;

/// <summary>What a fetch job's results say and do against a misbehaving server: status, reason and attempts per request, retries, redirects, caps, limits, cancellation and saved bodies.</summary>
[Collection(FetchCollection.Name)]
[Trait("Category", "Fast")]
public sealed class FetchGrainTests(FetchFixture fixture)
{
    private GridClient Client => fixture.Client;

    private FetchTestServer Server => fixture.Server;

    private static string Id() => Guid.NewGuid().ToString("N");

    private async Task<FetchResult> FetchOneAsync(string url, FetchOptions? options = null)
    {
        var results = await Client.Fetch([url], FetchFixture.Quick(options)).ReadAllAsync();
        var result = Assert.Single(results);
        Assert.NotNull(result.Value);
        Assert.Equal(result.Error, result.Value.Error);
        return result.Value;
    }

    [Fact]
    public async Task Fetch_OkUrl_ReturnsStatusBytesAndBody()
    {
        var url = Server.Url($"/ok?size=12&id={Id()}");

        var result = await FetchOneAsync(url);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(12, result.Bytes);
        Assert.Equal("gggggggggggg"u8.ToArray(), result.Body);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(url, result.Url);
        Assert.Null(result.Reason);
    }

    [Fact]
    public async Task Fetch_ServerError_RetriesThenFailsWithStatus()
    {
        var path = $"/status/500?id={Id()}";

        var result = await FetchOneAsync(Server.Url(path), new FetchOptions { MaxRetries = 2 });

        Assert.Equal("http-500", result.Reason);
        Assert.Equal(ItemStatus.Failed, result.Error!.Status);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, Server.AttemptsOf(path));
    }

    [Fact]
    public async Task Fetch_NotFound_IsNeverRetried()
    {
        var path = $"/status/404?id={Id()}";

        var result = await FetchOneAsync(Server.Url(path), new FetchOptions { MaxRetries = 3 });

        Assert.Equal("http-404", result.Reason);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(1, Server.AttemptsOf(path));
        Assert.Contains("404", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_TooManyRequests_RetriesAfterTheRetryAfterCappedAtMaxRetryDelay()
    {
        // The server asks for Retry-After: 1 (a second); the job caps every wait at MaxRetryDelay (20 ms). The silo's request runner
        // runs on a clock that records each wait its retry pipeline asks for, so the cap is read from what was computed, not timed.
        var clock = new RetryWaitRecorder();
        await using var cluster = await TestCluster.StartAsync(silo => silo.Services.AddSingleton(
            services => new RequestRunner(services.GetRequiredService<FetchHttp>(), services.GetRequiredService<FetchPolicy>(), clock)));
        var path = $"/retry-after?id={Id()}";
        var options = FetchFixture.Quick(new FetchOptions { MaxRetries = 1 });

        var result = Assert.Single(await cluster.Client.Fetch([Server.Url(path)], options).ReadAllAsync()).Value!;

        Assert.Equal("http-429", result.Reason);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, Server.AttemptsOf(path));
        Assert.Equal([options.MaxRetryDelay], clock.Waits);
        Assert.True(options.MaxRetryDelay < TimeSpan.FromSeconds(1), "The cap must be below the server's Retry-After for the test to show it.");
    }

    [Fact]
    public async Task Fetch_FailsTwiceThenSucceeds_SucceedsOnTheThirdAttempt()
    {
        var path = $"/flaky?fail=2&id={Id()}";

        var result = await FetchOneAsync(Server.Url(path), new FetchOptions { MaxRetries = 2 });

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, Server.AttemptsOf(path));
    }

    [Fact]
    public async Task Fetch_Hang_TimesOutEachAttemptAndRetries()
    {
        var path = $"/hang?id={Id()}";

        var result = await FetchOneAsync(Server.Url(path), new FetchOptions { RequestTimeout = TimeSpan.FromMilliseconds(200), MaxRetries = 1 });

        Assert.Equal(FetchReasons.Timeout, result.Reason);
        Assert.Equal(ItemStatus.TimedOut, result.Error!.Status);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, Server.AttemptsOf(path));
    }

    [Fact]
    public async Task Fetch_TrickledBody_TimesOut()
    {
        var result = await FetchOneAsync(Server.Url($"/trickle?id={Id()}"), new FetchOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 0 });

        Assert.Equal(FetchReasons.Timeout, result.Reason);
        Assert.Contains("request time limit", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fetch_BodyOverTheCap_FailsWithoutRetry(bool chunked)
    {
        var path = $"/big?size=100000&chunked={(chunked ? 1 : 0)}&id={Id()}";

        var result = await FetchOneAsync(Server.Url(path), new FetchOptions { MaxBodyBytes = 1000, MaxRetries = 2 });

        Assert.Equal(FetchReasons.BodyTooLarge, result.Reason);
        Assert.Contains("over 1000 bytes", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(1, Server.AttemptsOf(path));
        Assert.Null(result.Body);
    }

    [Fact]
    public async Task Fetch_BodyExactlyAtTheCap_Succeeds()
    {
        var result = await FetchOneAsync(Server.Url($"/big?size=1000&chunked=1&id={Id()}"), new FetchOptions { MaxBodyBytes = 1000 });

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(1000, result.Body!.Length);
    }

    [Fact]
    public async Task Fetch_RedirectLoop_FailsNamingTheLoop()
    {
        var result = await FetchOneAsync(Server.Url("/loop/a"));

        Assert.Equal(FetchReasons.RedirectLoop, result.Reason);
        Assert.Contains("/loop/a", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_EndlessRedirects_StopAtTheLimit()
    {
        var result = await FetchOneAsync(Server.Url("/chain/0"), new FetchOptions { MaxRedirects = 3 });

        Assert.Equal(FetchReasons.TooManyRedirects, result.Reason);
        Assert.Equal(1, Server.AttemptsOf("/chain/3"));
        Assert.Equal(0, Server.AttemptsOf("/chain/4"));
    }

    [Fact]
    public async Task Fetch_RedirectToAPage_FollowsIt()
    {
        var target = $"/ok?size=3&id={Id()}";

        var result = await FetchOneAsync(Server.Url($"/redirect?to={Uri.EscapeDataString(target)}"));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(Server.Url(target), result.FinalUrl);
        Assert.Equal(3, result.Bytes);
    }

    [Fact]
    public async Task Fetch_RedirectToTheMetadataAddress_IsDenied()
    {
        var result = await FetchOneAsync(Server.Url($"/redirect?to={Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/")}"));

        Assert.Equal(FetchReasons.Denied, result.Reason);
        Assert.Contains("169.254.0.0/16", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_ConnectionRefused_IsRetriedThenReported()
    {
        var port = FreePort();

        var result = await FetchOneAsync($"http://127.0.0.1:{port}/", new FetchOptions { MaxRetries = 1 });

        Assert.Equal(FetchReasons.ConnectionRefused, result.Reason);
        Assert.Equal(2, result.Attempts);
        Assert.Contains("refused", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_UnknownHost_IsReportedWithoutRetry()
    {
        var result = await FetchOneAsync("http://no-such-host.invalid/", new FetchOptions { MaxRetries = 2 });

        Assert.Equal(FetchReasons.UnknownHost, result.Reason);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("no-such-host.invalid", result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("attempts", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url", "malformed-url")]
    [InlineData("", "malformed-url")]
    [InlineData("/etc/passwd", "malformed-url")]
    [InlineData("ftp://example.com/file", "unsupported-scheme")]
    [InlineData("file:///etc/passwd", "unsupported-scheme")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "denied")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "denied")]
    public async Task Fetch_BadInput_IsThatItemsErrorAndTheOthersRun(string input, string reason)
    {
        var ok = Server.Url($"/ok?id={Id()}");
        var job = Client.Fetch([input, ok], FetchFixture.Quick());

        var results = await job.ReadAllAsync();

        var bad = Assert.Single(results, r => r.Index == 0);
        Assert.Equal(reason, bad.Value!.Reason);
        Assert.Equal(reason, bad.Error!.Type);
        Assert.Equal(0, bad.Value.Attempts);
        Assert.True(Assert.Single(results, r => r.Index == 1).IsSuccess);
        var summary = await job.Summary;
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(1, summary.FailureReasons![reason]);
    }

    [Fact]
    public async Task Fetch_UrlOverTheLengthLimit_IsThatItemsError()
    {
        var result = await FetchOneAsync(Server.Url("/ok?q=" + new string('a', 9000)));

        Assert.Equal(FetchReasons.UrlTooLong, result.Reason);
        Assert.Equal(0, result.Attempts);
    }

    [Fact]
    public async Task Fetch_ManyUrls_SummaryCountsFailuresByReason()
    {
        string[] urls = [Server.Url($"/ok?id={Id()}"), Server.Url($"/status/404?id={Id()}"), Server.Url($"/status/404?id={Id()}"), "bad url"];
        var job = Client.Fetch(urls, FetchFixture.Quick());

        var results = await job.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, urls.Length);
        var summary = await job.Summary;
        Assert.Equal(4, summary.Total);
        Assert.Equal(1, summary.Succeeded);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(2, summary.FailureReasons!["http-404"]);
        Assert.Equal(1, summary.FailureReasons![FetchReasons.MalformedUrl]);
    }

    [Fact]
    public async Task Fetch_PerHostLimit_IsNeverExceeded()
    {
        // Four requests may run at once, two per host; the server holds every request until four are in flight together,
        // which happens only if both hosts are served: a job that ignored the per-host limit would send four to the first host.
        var id = Id();
        var urls = Enumerable.Range(0, 10).Select(i => Server.Url($"/gate?open=4&n={i}&id={id}"))
            .Concat(Enumerable.Range(0, 10).Select(i => Server.Url($"/gate?open=4&n={i}&id={id}", host: "localhost")));

        var results = await Client.Fetch(urls, new FetchOptions { MaxConcurrency = 4, MaxPerHost = 2 }).ReadAllAsync();

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
        Assert.Equal(2, Server.MaxInFlight("127.0.0.1", id));
        Assert.Equal(2, Server.MaxInFlight("localhost", id));
    }

    [Fact]
    public async Task Fetch_Cancelled_AbortsRequestsInFlight()
    {
        var id = Id();
        var hangingBefore = Server.Hanging;
        var abortedBefore = Server.Aborted;
        using var cancel = new CancellationTokenSource();
        var job = Client.Fetch(Enumerable.Range(0, 3).Select(i => Server.Url($"/hang?n={i}&id={id}")), new FetchOptions { MaxConcurrency = 3 }, cancel.Token);
        var reading = job.ReadAllAsync();

        await Server.WaitUntilAsync(s => s.Hanging >= hangingBefore + 3, "three hanging requests");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await Server.WaitUntilAsync(s => s.Aborted >= abortedBefore + 3, "the three requests aborted");
    }

    [Fact]
    public async Task Fetch_JobTimeout_EndsRequestsInFlightAsTimedOut()
    {
        // The hanging request holds the only slot, so only the job's limit ends it and the second request never starts. The limit
        // must pass while the first is in flight: it is seconds, far longer than making a loopback request takes on a loaded machine
        // (and far shorter than the request's own 30 s).
        var id = Id();
        var job = Client.Fetch(
            [Server.Url($"/hang?id={id}"), Server.Url($"/ok?id={id}")],
            new FetchOptions { JobTimeout = TimeSpan.FromSeconds(5), MaxConcurrency = 1 });
        var results = new List<ItemResult<FetchResult>>();

        var error = await Assert.ThrowsAsync<JobTimeoutException>(async () =>
        {
            await foreach (var result in job)
            {
                results.Add(result);
            }
        });

        Assert.Equal(2, results.Count);
        Assert.Equal(FetchReasons.JobTimeout, results.Single(r => r.Index == 0).Value!.Reason);
        Assert.Equal(ItemStatus.TimedOut, results.Single(r => r.Index == 0).Status);
        Assert.Equal(ItemStatus.Cancelled, results.Single(r => r.Index == 1).Status);
        Assert.Equal(JobOutcome.TimedOut, error.Summary!.Outcome);
    }

    [Fact]
    public async Task Fetch_Ordered_DeliversInInputOrder()
    {
        var urls = Enumerable.Range(0, 20).Select(i => i % 3 == 0 ? "bad" : Server.Url($"/ok?size={i}")).ToList();

        var results = await Client.Fetch(urls, new FetchOptions { Ordered = true }).ReadAllAsync();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), results.Select(r => r.Index));
    }

    [Fact]
    public async Task Fetch_HashMode_ReturnsTheBodysHashOnly()
    {
        var result = await FetchOneAsync(Server.Url("/ok?size=5"), new FetchOptions { Body = FetchBodyMode.Hash });

        Assert.Null(result.Body);
        Assert.Equal(5, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("ggggg"u8)), result.Sha256);
    }

    [Fact]
    public async Task Fetch_SaveMode_WritesEachBodyIntoTheFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"grid-fetch-{Guid.NewGuid():N}");
        try
        {
            string[] urls = [Server.Url("/ok?size=7"), Server.Url("/big?size=300&chunked=1"), Server.Url("/status/404")];

            var results = await Client.Fetch(urls, FetchFixture.Quick(new FetchOptions { SaveFolder = folder })).ReadAllAsync();

            var saved = results.Where(r => r.IsSuccess).Select(r => r.Value!.SavedPath!).ToList();
            Assert.Equal(2, saved.Count);
            Assert.All(saved, path => Assert.Equal(folder, Path.GetDirectoryName(path)));
            Assert.Equal(new string('g', 7), await File.ReadAllTextAsync(results.Single(r => r.Index == 0).Value!.SavedPath!));
            Assert.Equal(300, new FileInfo(results.Single(r => r.Index == 1).Value!.SavedPath!).Length);
            Assert.Equal(2, Directory.GetFiles(folder).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Fetch_SaveModeUrlsNamingOtherFoldersOrTheSameFile_SavesEachBodyInsideTheFolderUnderItsOwnName()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"grid-fetch-{Guid.NewGuid():N}");
        try
        {
            // The first two differ only past the 150 characters a name keeps, so their names differ only in the item's index; the
            // others try to climb out of the folder or name a device.
            var pad = new string('p', 200);
            string[] urls =
            [
                Server.Url($"/ok?pad={pad}&size=3"), Server.Url($"/ok?pad={pad}&size=4"),
                Server.Url("/ok?size=5&to=../../../../etc/passwd"), Server.Url("/ok?size=6&to=%2e%2e%2f%2e%2e%2f%00"),
                Server.Url("/ok/../../../ok?size=7"), Server.Url("/ok?size=8&name=CON"),
            ];

            var results = await Client.Fetch(urls, FetchFixture.Quick(new FetchOptions { SaveFolder = folder })).ReadAllAsync();

            GridJobReading.AssertEachIndexOnce(results, urls.Length);
            Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
            var saved = results.OrderBy(r => r.Index).Select(r => r.Value!.SavedPath!).ToList();
            Assert.All(saved, path => Assert.Equal(folder, Path.GetDirectoryName(Path.GetFullPath(path))));
            Assert.Equal(urls.Length, saved.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(
                Path.GetFileName(saved[0])[2..],
                Path.GetFileName(saved[1])[2..]);
            for (var i = 0; i < urls.Length; i++)
            {
                Assert.Equal(new string('g', 3 + i), await File.ReadAllTextAsync(saved[i]));
            }

            Assert.Equal(urls.Length, Directory.GetFiles(folder).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Fetch_OptionOutOfRange_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Client.Fetch(["http://x/"], new FetchOptions { MaxConcurrency = 0 }));

        Assert.Contains("FetchOptions.MaxConcurrency must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetch_SaveWithoutFolder_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Client.Fetch(["http://x/"], new FetchOptions { Body = FetchBodyMode.Save }));

        Assert.Contains("FetchOptions.SaveFolder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_LazyInput_IsReadOnlyAsTheJobMakesRoom()
    {
        var read = 0;
        IEnumerable<string> Urls()
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                Interlocked.Increment(ref read);
                yield return Server.Url("/ok");
            }
        }

        var job = Client.Fetch(Urls(), new FetchOptions { MaxConcurrency = 2, MaxInFlight = 16 });
        await foreach (var result in job)
        {
            Assert.True(result.IsSuccess, result.Error?.Message);
            break;
        }

        Assert.InRange(Volatile.Read(ref read), 1, 100);
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
