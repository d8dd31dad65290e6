using System.Net;
using System.Text.Json;
using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard's read-only JSON API answers what the silo's monitors hold, within their documented bounds, and refuses what it does not serve.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Fast")]
public sealed class DashboardApiTests(DashboardClusterFixture cluster)
{
    private static readonly long[] Numbers = [.. Enumerable.Range(0, 400).Select(i => 1_000_000_007L + (2 * i))];

    [Fact]
    public async Task GetSilos_OneSilo_ListsItWithTheConfiguredWorkers()
    {
        using var silos = await GetJsonAsync("/api/silos");

        var silo = Assert.Single(silos.RootElement.EnumerateArray());
        Assert.Equal(DashboardClusterFixture.SiloNameOf(cluster.Cluster), silo.GetProperty("name").GetString());
        Assert.Equal(DashboardClusterFixture.Workers, silo.GetProperty("maxWorkers").GetInt32());
        Assert.Equal(Environment.ProcessorCount, silo.GetProperty("cores").GetInt32());
        Assert.True(silo.GetProperty("workingSetBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task GetJobs_AfterJob_ListsItWithTheSummaryCountsAndOutcome()
    {
        var summary = await RunPrimesAsync();

        using var jobs = await GetJsonAsync("/api/jobs");

        var job = jobs.RootElement.EnumerateArray().Single(j => j.GetProperty("jobId").GetGuid() == summary.JobId);
        Assert.Equal("is-prime", job.GetProperty("kernel").GetString());
        Assert.Equal(summary.Total, job.GetProperty("total").GetInt64());
        Assert.Equal(summary.Succeeded, job.GetProperty("succeeded").GetInt64());
        Assert.Equal(summary.Failed, job.GetProperty("failed").GetInt64());
        Assert.Equal(summary.TimedOut, job.GetProperty("timedOut").GetInt64());
        Assert.Equal(summary.Cancelled, job.GetProperty("cancelled").GetInt64());
        Assert.Equal(summary.Completed, job.GetProperty("completed").GetInt64());
        Assert.Equal(nameof(JobOutcome.Completed), job.GetProperty("outcome").GetString());
        Assert.Equal(summary.WallTime.TotalMilliseconds, job.GetProperty("elapsedMs").GetDouble(), precision: 3);
    }

    [Fact]
    public async Task GetJob_AfterJob_HasChunksWhoseItemsAddUpToTheTotal()
    {
        var summary = await RunPrimesAsync();

        using var trace = await GetJsonAsync($"/api/jobs/{summary.JobId}");

        var root = trace.RootElement;
        Assert.Equal(summary.JobId, root.GetProperty("job").GetProperty("jobId").GetGuid());
        var chunks = root.GetProperty("chunks").EnumerateArray().ToList();
        Assert.NotEmpty(chunks);
        Assert.Equal(summary.Total, chunks.Sum(c => c.GetProperty("items").GetInt64()));
        Assert.All(chunks, c => Assert.True(c.GetProperty("endedMs").GetDouble() >= c.GetProperty("startedMs").GetDouble()));
        var lanes = root.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal(
            summary.Workers.Select(w => (w.Worker, w.Items)).OrderBy(w => w.Worker, StringComparer.Ordinal),
            lanes.Select(l => (l.GetProperty("worker").GetString()!, l.GetProperty("items").GetInt64())));
        Assert.Equal(summary.BusyTime.TotalMilliseconds, root.GetProperty("busyMs").GetDouble(), precision: 3);
        Assert.InRange(root.GetProperty("utilisation").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task GetJob_LastItemHeldAfterEveryOther_DiagnosisNamesItsChunkAsTheLoneTail()
    {
        using var guard = TestLimits.HangGuard();
        using var before = new Gate();
        using var last = new Gate();
        GateItem[] items = [.. Enumerable.Range(0, 40).Select(i => new GateItem(before, i)), new GateItem(before, 40, Blocks: true), new GateItem(last, 41, Blocks: true)];

        // At most 4 items in flight on 2 workers makes every chunk one item. Items 40 and 41 hold both workers; 40 is let go first,
        // and 41 only once 40's result has come back, so 41's chunk ends alone and last.
        var job = cluster.Client.Map<GateItem, long>(GateKernel.Name, items, new MapOptions { MaxInFlight = 4 }, guard.Token);
        var read = 0;
        await using (var results = job.GetAsyncEnumerator(guard.Token))
        {
            while (read < 40 && await results.MoveNextAsync())
            {
                read++;
            }

            await Task.WhenAll(before.Blocked.WhenReached(1), last.Blocked.WhenReached(1)).WaitAsync(guard.Token);
            before.Open();
            Assert.True(await results.MoveNextAsync());
            Assert.Equal(40, results.Current.Index);
            last.Open();
            while (await results.MoveNextAsync())
            {
                read++;
            }
        }

        Assert.Equal(41, read);
        await job.Summary.WaitAsync(guard.Token);

        using var trace = await GetJsonAsync($"/api/jobs/{job.Id}");

        var root = trace.RootElement;
        var diagnosis = root.GetProperty("diagnosis");
        var chunks = root.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal(42, chunks.Count);
        Assert.Equal((42, DashboardClusterFixture.Workers), (diagnosis.GetProperty("chunks").GetInt32(), diagnosis.GetProperty("workers").GetInt32()));
        Assert.Equal(chunks.Sum(c => c.GetProperty("queueWaitMs").GetDouble()), diagnosis.GetProperty("queueWaitMs").GetDouble(), tolerance: 1e-6);
        Assert.Equal(root.GetProperty("busyMs").GetDouble(), diagnosis.GetProperty("runMs").GetDouble(), tolerance: 1e-6);
        Assert.Equal(root.GetProperty("utilisation").GetDouble(), diagnosis.GetProperty("efficiency").GetDouble());
        var held = diagnosis.GetProperty("tail").GetProperty("lastChunk");
        Assert.Equal((41L, 1), (held.GetProperty("startIndex").GetInt64(), held.GetProperty("items").GetInt32()));
        Assert.True(diagnosis.GetProperty("tail").GetProperty("lastWorkerAloneMs").GetDouble() > 0);
        var sentences = diagnosis.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.StartsWith("Workers were busy ", sentences[0], StringComparison.Ordinal);
        Assert.StartsWith("Chunks waited ", sentences[1], StringComparison.Ordinal);
        Assert.Contains(sentences, s => s.StartsWith("For ", StringComparison.Ordinal) && s.Contains(" at the end only 1 of 2 workers had work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetStoredJobs_SiloWithoutStore_AnswersAnEmptyListSayingItHasNoStore()
    {
        using var answer = await GetJsonAsync("/api/stored-jobs");

        Assert.False(answer.RootElement.GetProperty("hasStore").GetBoolean());
        Assert.Empty(answer.RootElement.GetProperty("jobs").EnumerateArray());
    }

    [Theory]
    [InlineData("limit=abc", "abc")]
    [InlineData("limit=-1", "-1")]
    [InlineData("limit=", "")]
    [InlineData("limit=2147483648", "2147483648")]
    [InlineData("limit=5&limit=6", "5,6")]
    public async Task GetStoredJobs_LimitNotAWholeNumber_Returns400NamingTheRangeAndTheValue(string query, string value)
    {
        using var response = await cluster.Http.GetAsync(new Uri($"/api/stored-jobs?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"limit must be a whole number from 1 to 200; got '{value}'.", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task GetJob_UnknownId_Returns404WithError()
    {
        using var response = await cluster.Http.GetAsync(new Uri($"/api/jobs/{Guid.NewGuid()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("No live silo of the cluster knows job", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetThroughput_AfterJob_CountsItsItems()
    {
        var summary = await RunPrimesAsync();

        using var points = await GetJsonAsync("/api/throughput?seconds=300");

        var list = points.RootElement.EnumerateArray().ToList();
        Assert.Equal(300, list.Count);
        Assert.True(list.Sum(p => p.GetProperty("items").GetInt64()) >= summary.Total);
    }

    [Theory]
    [InlineData("", 300)]
    [InlineData("?seconds=0", 1)]
    [InlineData("?seconds=1", 1)]
    [InlineData("?seconds=007", 7)]
    [InlineData("?seconds=300", 300)]
    [InlineData("?seconds=301", 300)]
    [InlineData("?seconds=2147483647", 300)]
    public async Task GetThroughput_WholeSeconds_GivesOnePointPerSecondFromOneTo300EndingNow(string query, int points)
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var throughput = await GetJsonAsync("/api/throughput" + query);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var seconds = throughput.RootElement.EnumerateArray().Select(p => p.GetProperty("time").GetInt64() / 1000).ToList();
        Assert.Equal(points, seconds.Count);
        Assert.InRange(seconds[^1], before, after);
        Assert.Equal(Enumerable.Range(0, points).Select(i => seconds[0] + i), seconds);
    }

    [Theory]
    [InlineData("seconds=abc", "abc")]
    [InlineData("seconds=-1", "-1")]
    [InlineData("seconds=-300", "-300")]
    [InlineData("seconds=", "")]
    [InlineData("seconds=%2B5", "+5")]
    [InlineData("seconds=%205", " 5")]
    [InlineData("seconds=5.0", "5.0")]
    [InlineData("seconds=1e2", "1e2")]
    [InlineData("seconds=0x10", "0x10")]
    [InlineData("seconds=2147483648", "2147483648")]
    [InlineData("seconds=99999999999999999999", "99999999999999999999")]
    [InlineData("seconds=5&seconds=6", "5,6")]
    [InlineData("seconds=%D9%A3", "\u0663")]
    public async Task GetThroughput_SecondsNotAWholeNumber_Returns400NamingTheRangeAndTheValue(string query, string value)
    {
        using var response = await cluster.Http.GetAsync(new Uri($"/api/throughput?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"seconds must be a whole number from 1 to 300; got '{value}'.", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task GetJobs_OneMoreFinishedJobThanKept_ListsTheLast50AndNoLongerKnowsTheFirst()
    {
        var jobs = new List<Guid>();
        for (var i = 0; i <= Grid.Monitoring.JobMonitor.MaxFinishedJobs; i++)
        {
            var job = cluster.Client.Map<long, bool>("is-prime", [7]);
            Assert.Single(await job.ReadAllAsync());
            jobs.Add((await job.Summary.WaitAsync(TestLimits.Hang)).JobId);
        }

        using var listed = await GetJsonAsync("/api/jobs");
        using var first = await cluster.Http.GetAsync(new Uri($"/api/jobs/{jobs[0]}", UriKind.Relative));

        // The tests of this silo run one at a time, so the finished jobs it keeps are this test's last 50.
        var finished = listed.RootElement.EnumerateArray().Where(j => j.GetProperty("outcome").ValueKind != JsonValueKind.Null).Select(j => j.GetProperty("jobId").GetGuid());
        Assert.Equal(jobs.Skip(1).Order(), finished.Order());
        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        using var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.Equal($"No live silo of the cluster knows job {jobs[0]}: each keeps its running jobs and its last 50 finished ones.", body.RootElement.GetProperty("error").GetString());
        (await GetJsonAsync($"/api/jobs/{jobs[1]}")).Dispose();
    }

    [Fact]
    public async Task GetErrors_MoreFailedItemsThanKept_ListsExactlyTheLast100()
    {
        var inputs = Enumerable.Range(0, 150).Select(i => (2L * i) + 1).ToArray();
        var job = cluster.Client.Map<long, long>(OddFailsKernel.Name, inputs);
        Assert.All(await job.ReadAllAsync(), r => Assert.False(r.IsSuccess));
        await job.Summary.WaitAsync(TestLimits.Hang);

        using var errors = await GetJsonAsync("/api/errors");

        var listed = errors.RootElement.EnumerateArray().ToList();
        Assert.Equal(100, listed.Count);
        Assert.All(listed, e => Assert.Equal(job.Id, e.GetProperty("jobId").GetGuid()));
        Assert.Equal(100, listed.Select(e => e.GetProperty("index").GetInt64()).Distinct().Count());
        Assert.All(listed, e => Assert.Equal(OddFailsKernel.MessageFor(inputs[e.GetProperty("index").GetInt64()]), e.GetProperty("message").GetString()));
        var times = listed.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task GetErrors_AfterFailingItems_ListsThemNewestFirst()
    {
        var job = cluster.Client.Map<long, long>(OddFailsKernel.Name, [2L, 3L, 4L, 5L]);
        await job.ReadAllAsync();
        await job.Summary.WaitAsync(TestLimits.Hang);

        using var errors = await GetJsonAsync("/api/errors");

        var mine = errors.RootElement.EnumerateArray().Where(e => e.GetProperty("jobId").GetGuid() == job.Id).ToList();
        Assert.Equal([1L, 3L], mine.Select(e => e.GetProperty("index").GetInt64()).Order());
        Assert.All(mine, e => Assert.Equal(nameof(ItemStatus.Failed), e.GetProperty("status").GetString()));
        Assert.Contains(mine, e => e.GetProperty("message").GetString() == OddFailsKernel.MessageFor(3));
    }

    [Fact]
    public async Task GetEvents_Connected_SendsAnUpdateAtOnce()
    {
        using var guard = TestLimits.HangGuard();
        using var response = await cluster.Http.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));

        using var update = await ReadUpdateAsync(reader, guard.Token);

        Assert.Single(update.RootElement.GetProperty("silos").EnumerateArray());
        Assert.Equal(JsonValueKind.Array, update.RootElement.GetProperty("jobs").ValueKind);
        Assert.Equal(300, update.RootElement.GetProperty("throughput").GetArrayLength());
    }

    [Fact]
    public async Task GetEvents_SiloStops_EndsTheStream()
    {
        using var guard = TestLimits.HangGuard();
        var silo = await DashboardClusterFixture.StartClusterAsync();
        using var http = new HttpClient { BaseAddress = DashboardClusterFixture.AddressOf(silo), Timeout = TestLimits.Hang };
        using var response = await http.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));
        (await ReadUpdateAsync(reader, guard.Token)).Dispose();

        await silo.DisposeAsync().AsTask().WaitAsync(guard.Token);

        // Whatever was already sent may still be read; then the stream ends instead of hanging.
        while (await reader.ReadLineAsync(guard.Token) is not null)
        {
        }
    }

    [Theory]
    [InlineData("POST", "/api/jobs")]
    [InlineData("PUT", "/api/silos")]
    [InlineData("DELETE", "/api/jobs/00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/")]
    [InlineData("PATCH", "/api/anything")]
    public async Task Send_NotGet_Returns405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new StringContent("{}") };

        using var response = await cluster.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Get_UnknownPath_Returns404()
    {
        using var response = await cluster.Http.GetAsync(new Uri("/api/shutdown", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/api/jobs", "application/json")]
    public async Task Get_AnyResource_SendsSecurityHeaders(string path, string mediaType)
    {
        using var response = await cluster.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
    }

    /// <summary>Reads events until an update arrives and returns its data.</summary>
    internal static async Task<JsonDocument> ReadUpdateAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var isUpdate = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "event: update")
            {
                isUpdate = true;
            }
            else if (isUpdate && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]);
            }
        }

        throw new InvalidOperationException("The event stream ended before an update.");
    }

    private async Task<JobSummary> RunPrimesAsync()
    {
        var job = cluster.Client.Map<long, bool>("is-prime", Numbers);
        var results = await job.ReadAllAsync();
        Assert.Equal(Numbers.Length, results.Count);
        return await job.Summary.WaitAsync(TestLimits.Hang);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await cluster.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
