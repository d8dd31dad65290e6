using System.Net;
using System.Text.Json;
using Grid.Stored;
using Grid.TestingHost;
using Grid.Tests.Cluster;
using Grid.Tests.Stored;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard's list of stored jobs on silos with a real PostgreSQL job store: newest first with their counts, their run's trace where the silo keeps it, the silo that owns them where it does not.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DashboardStoredJobsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string _store = string.Empty;

    public async Task InitializeAsync() => _store = await postgres.CreateDatabaseAsync();

    public Task DisposeAsync() => postgres.DropDatabaseAsync(_store);

    /// <summary>Starts a silo named <paramref name="name"/> with two workers, the job store <paramref name="store"/> and the dashboard on a free loopback port; with the <c>twice</c> kernel unless <paramref name="twice"/> is false.</summary>
    internal static Task<TestCluster> StartSiloAsync(string store, string name, bool twice = true) => TestCluster.StartAsync(silo =>
    {
        silo.Configure(o => (o.MaxLocalWorkers, o.Name) = (2, name));
        if (twice)
        {
            silo.AddKernel(TwiceKernel.Name, new TwiceKernel());
        }

        silo.Services.Configure<StoredJobOptions>(o => (o.Store, o.PollInterval) = (store, TimeSpan.FromMilliseconds(200)));
        silo.AddDashboard(o => (o.Urls, o.Orleans) = ("http://127.0.0.1:0", false));
    });

    /// <summary>Reads <c>/api/stored-jobs</c> until its jobs are as <paramref name="done"/> says (the list is read from the store at most once a second), and returns them.</summary>
    internal static async Task<List<JsonElement>> WaitForStoredJobsAsync(HttpClient http, Func<List<JsonElement>, bool> done)
    {
        var jobs = new List<JsonElement>();
        await ClusterWorkload.WaitUntilAsync(
            async () =>
            {
                using var answer = await GetJsonAsync(http, "/api/stored-jobs");
                jobs = [.. answer.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.Clone())];
                return done(jobs);
            },
            () => Task.FromResult($"the dashboard lists {string.Join(", ", jobs.Select(j => $"{j.GetProperty("jobId")} {j.GetProperty("state")}"))}"));
        return jobs;
    }

    [Fact]
    public async Task GetStoredJobs_TwoJobsRan_ListsThemNewestFirstWithTheirCountsAndTheirRunsTraceHere()
    {
        await using var silo = await StartSiloAsync(_store, "silo-a");
        using var http = Http(silo);
        var first = await silo.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 300).Select(i => (long)i));
        var second = await silo.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 200).Select(i => (long)i));
        await silo.Client.AttachAsync<long>(first.Id).ReadAllAsync();
        await silo.Client.AttachAsync<long>(second.Id).ReadAllAsync();

        var listed = await WaitForStoredJobsAsync(http, jobs => jobs.Count == 2 && jobs.All(j => j.GetProperty("state").GetString() == nameof(StoredJobState.Completed)));

        Assert.Equal([second.Id, first.Id], listed.Select(j => j.GetProperty("jobId").GetGuid()));
        foreach (var (job, total) in listed.Zip([200L, 300L]))
        {
            Assert.Equal(TwiceKernel.Name, job.GetProperty("kernel").GetString());
            Assert.Equal(
                (total, total, total, 0L, 0L, 0L),
                (job.GetProperty("total").GetInt64(), job.GetProperty("completed").GetInt64(), job.GetProperty("succeeded").GetInt64(),
                    job.GetProperty("failed").GetInt64(), job.GetProperty("timedOut").GetInt64(), job.GetProperty("cancelled").GetInt64()));
            Assert.Equal(("silo-a", 1, JsonValueKind.Null), (job.GetProperty("owner").GetString(), job.GetProperty("runs").GetInt32(), job.GetProperty("error").ValueKind));
            Assert.True(job.GetProperty("finished").GetDateTimeOffset() >= job.GetProperty("started").GetDateTimeOffset());
            Assert.True(job.GetProperty("started").GetDateTimeOffset() >= job.GetProperty("submitted").GetDateTimeOffset());

            // The run is an ordinary map job of its own id, whose trace this silo serves.
            var run = job.GetProperty("runJobId").GetGuid();
            Assert.NotEqual(job.GetProperty("jobId").GetGuid(), run);
            Assert.True(job.GetProperty("runTraceHere").GetBoolean());
            Assert.Equal(run, (await silo.Client.GetJobAsync(job.GetProperty("jobId").GetGuid()))!.RunJobId);
            using var trace = await GetJsonAsync(http, $"/api/jobs/{run}");
            var traced = trace.RootElement.GetProperty("job");
            Assert.Equal((TwiceKernel.Name, total, total), (traced.GetProperty("kernel").GetString(), traced.GetProperty("total").GetInt64(), traced.GetProperty("succeeded").GetInt64()));
        }
    }

    [Theory]
    [InlineData("?limit=1")]
    [InlineData("?limit=0")]
    public async Task GetStoredJobs_LimitOneOrZero_ListsOnlyTheNewest(string query)
    {
        await using var silo = await StartSiloAsync(_store, "silo-a");
        using var http = Http(silo);
        await silo.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, [1L]);
        var newest = await silo.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, [2L]);

        using var answer = await GetJsonAsync(http, "/api/stored-jobs" + query);

        Assert.True(answer.RootElement.GetProperty("hasStore").GetBoolean());
        var job = Assert.Single(answer.RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal(newest.Id, job.GetProperty("jobId").GetGuid());
    }

    [Fact]
    public async Task GetStoredJobs_RunOnASiloThatThisOneDoesNotKnow_NamesTheOwnerInsteadOfLinkingTheTrace()
    {
        // Two clusters share the store: silo b runs the job (silo a lacks its kernel), so silo a never sees its run.
        await using var here = await StartSiloAsync(_store, "silo-a", twice: false);
        await using var owner = await StartSiloAsync(_store, "silo-b");
        using var http = Http(here);
        using var ownerHttp = Http(owner);
        var job = await owner.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 50).Select(i => (long)i));
        await owner.Client.AttachAsync<long>(job.Id).ReadAllAsync();

        var listed = await WaitForStoredJobsAsync(http, jobs => jobs.Count == 1 && jobs[0].GetProperty("state").GetString() == nameof(StoredJobState.Completed));

        var stored = Assert.Single(listed);
        Assert.Equal(("silo-b", false), (stored.GetProperty("owner").GetString(), stored.GetProperty("runTraceHere").GetBoolean()));
        var run = stored.GetProperty("runJobId").GetGuid();
        using var notHere = await http.GetAsync(new Uri($"/api/jobs/{run}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, notHere.StatusCode);
        // The owner is a cluster of one, so its dashboard has the run's trace.
        using var there = await GetJsonAsync(ownerHttp, $"/api/jobs/{run}");
        Assert.Equal(50, there.RootElement.GetProperty("job").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task GetStoredJobs_StoreRefusesTheQuery_Returns503WithTheStoresReason()
    {
        await using var silo = await StartSiloAsync(_store, "silo-a");
        using var http = Http(silo);
        await postgres.ExecuteAsAdminAsync(_store, "REVOKE SELECT ON grid_jobs FROM grid");

        using var response = await http.GetAsync(new Uri("/api/stored-jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("The job store could not list the stored jobs: 42501: permission denied", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static HttpClient Http(TestCluster silo) => new() { BaseAddress = DashboardClusterFixture.AddressOf(silo), Timeout = TestLimits.Hang };

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
