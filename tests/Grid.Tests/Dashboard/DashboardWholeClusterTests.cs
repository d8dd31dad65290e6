using System.Text.Json;
using Grid.Client;
using Grid.Dashboard.Hosting;
using Grid.Jobs;
using Grid.Monitoring;
using Grid.Tests.TestKernels;
using Grid.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard of any silo shows the whole cluster: every silo's jobs wherever their grain lives, a job's trace with the lanes of every silo that ran it, every silo's errors, and the items each silo ran per second.</summary>
[Collection(InProcessClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class DashboardWholeClusterTests
{
    private const int Items = 24;

    [Fact]
    public async Task Api_JobRunsOnBothSilos_EitherSilosDashboardListsItAndTracesItWithBothSilosLanes()
    {
        await using var cluster = await StartAsync();
        var round = SpreadKernel.NewRound();
        var job = cluster.Client.Map<long, long>(SpreadKernel.Name, Enumerable.Range(0, Items).Select(i => (long)i));
        var reading = job.ReadAllAsync();
        await round.WhenAsync(entered => entered.Count == 2).WaitAsync(TestLimits.Hang);
        var jobSilo = JobSilo(cluster, job.Id);

        // While it runs, both silos' dashboards list it, and name the silo its grain lives on. Another silo's answer may come after
        // the first request (its monitor grain starts on first use), so each dashboard is asked until it lists the job.
        foreach (var silo in cluster.Orleans.Silos)
        {
            using var running = await GetJsonWhenAsync(cluster, silo, "/api/jobs", jobs => jobs.EnumerateArray().Any(j => j.GetProperty("jobId").GetGuid() == job.Id));
            var listed = Assert.Single(running.RootElement.EnumerateArray(), j => j.GetProperty("jobId").GetGuid() == job.Id);
            Assert.Equal((jobSilo, JsonValueKind.Null), (listed.GetProperty("silo").GetString(), listed.GetProperty("outcome").ValueKind));
        }

        round.Release.Set();
        var results = await reading.WaitAsync(TestLimits.Hang);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        var ranBy = results.GroupBy(r => SiloOf(r.Worker)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, ranBy.Count);

        // The silo that does not keep the job still opens its trace: lanes of both silos, grouped by silo, adding up to the job.
        var other = cluster.Orleans.Silos.Single(s => s.Name != jobSilo);
        using var trace = await GetJsonWhenAsync(cluster, other, $"/api/jobs/{job.Id}", t => t.GetProperty("job").GetProperty("outcome").GetString() == nameof(JobOutcome.Completed));
        var root = trace.RootElement;
        Assert.Equal(jobSilo, root.GetProperty("silo").GetString());
        Assert.Equal(nameof(JobOutcome.Completed), root.GetProperty("job").GetProperty("outcome").GetString());
        var lanes = root.GetProperty("workers").EnumerateArray().Select(l => (Silo: l.GetProperty("silo").GetString()!, Worker: l.GetProperty("worker").GetString()!, Items: l.GetProperty("items").GetInt64())).ToList();
        Assert.All(lanes, l => Assert.StartsWith(l.Silo + "/", l.Worker, StringComparison.Ordinal));
        Assert.Equal(lanes.Select(l => l.Silo).Order(StringComparer.Ordinal), lanes.Select(l => l.Silo));
        Assert.Equal(summary.Workers.Select(w => w.Worker).Order(StringComparer.Ordinal), lanes.Select(l => l.Worker).Order(StringComparer.Ordinal));
        var silos = root.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("silo").GetString()!, s => s.GetProperty("items").GetInt64());
        Assert.Equal(ranBy.OrderBy(r => r.Key).Select(r => (r.Key, (long)r.Value)), silos.OrderBy(s => s.Key).Select(s => (s.Key, s.Value)));

        // Each silo's throughput counts the items its own workers ran, and the cluster's adds up to the job; another silo's figures
        // reach this dashboard within its reuse time, so the test looks again until they have.
        var expected = string.Join(", ", ranBy.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")) + $"; total={Items}";
        var seen = "";
        await Cluster.ClusterWorkload.WaitUntilAsync(
            async () =>
            {
                using var perSilo = await GetJsonAsync(cluster, other, "/api/throughput/silos");
                using var total = await GetJsonAsync(cluster, other, "/api/throughput");
                var ran = perSilo.RootElement.EnumerateArray().Select(s => (Silo: s.GetProperty("silo").GetString()!, Items: s.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("items").GetInt64())));
                seen = string.Join(", ", ran.OrderBy(r => r.Silo, StringComparer.Ordinal).Select(r => $"{r.Silo}={r.Items}")) + $"; total={total.RootElement.EnumerateArray().Sum(p => p.GetProperty("items").GetInt64())}";
                return seen == expected;
            },
            () => Task.FromResult($"the dashboard of {other.Name} shows {seen}, not {expected}"));
    }

    [Fact]
    public async Task Api_ItemsFailOnOneSilosJob_EverySilosDashboardListsTheErrorsNamingThatSilo()
    {
        await using var cluster = await StartAsync();
        // Inputs 1 and 3, at indices 0 and 2, fail.
        var job = cluster.Client.Map<long, long>(OddFailsKernel.Name, [1, 2, 3]);
        await job.ReadAllAsync().WaitAsync(TestLimits.Hang);
        var jobSilo = JobSilo(cluster, job.Id);

        foreach (var silo in cluster.Orleans.Silos)
        {
            using var errors = await GetJsonWhenAsync(cluster, silo, "/api/errors", all => all.EnumerateArray().Count(e => e.GetProperty("jobId").GetGuid() == job.Id) == 2);
            var listed = errors.RootElement.EnumerateArray().Where(e => e.GetProperty("jobId").GetGuid() == job.Id).ToList();
            Assert.Equal([0L, 2L], listed.Select(e => e.GetProperty("index").GetInt64()).Order());
            Assert.All(listed, e => Assert.Equal(jobSilo, e.GetProperty("silo").GetString()));
        }
    }

    private static Task<InProcessGridCluster> StartAsync() => InProcessGridCluster.StartAsync(2, grid: grid => grid
        .AddKernel(OddFailsKernel.Name, new OddFailsKernel())
        .AddDashboard(o =>
        {
            o.Urls = "http://127.0.0.1:0";
            o.Orleans = false;
        }));

    // The name of the silo whose monitor keeps the job: the one its grain lives on.
    private static string JobSilo(InProcessGridCluster cluster, Guid jobId)
        => cluster.Orleans.Silos.Single(s => cluster.Orleans.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<JobMonitor>().Knows(jobId)).Name;

    // Asks a silo's dashboard until its answer is a success that ready accepts, and returns that answer.
    private static async Task<JsonDocument> GetJsonWhenAsync(InProcessGridCluster cluster, Orleans.TestingHost.InProcessSiloHandle silo, string path, Func<JsonElement, bool> ready)
    {
        using var http = Http(cluster, silo);
        JsonDocument? answer = null;
        var seen = string.Empty;
        await Cluster.ClusterWorkload.WaitUntilAsync(
            async () =>
            {
                answer?.Dispose();
                answer = null;
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                seen = $"{(int)response.StatusCode} {body}";
                answer = response.IsSuccessStatusCode ? JsonDocument.Parse(body) : null;
                return answer is not null && ready(answer.RootElement);
            },
            () => Task.FromResult($"GET {path} from {silo.Name} answered {seen}"));
        return answer!;
    }

    // A client of the silo's dashboard.
    private static HttpClient Http(InProcessGridCluster cluster, Orleans.TestingHost.InProcessSiloHandle silo) => new()
    {
        BaseAddress = cluster.Orleans.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<DashboardServer>().Addresses[0],
        Timeout = TestLimits.Hang,
    };

    private static async Task<JsonDocument> GetJsonAsync(InProcessGridCluster cluster, Orleans.TestingHost.InProcessSiloHandle silo, string path)
    {
        using var http = Http(cluster, silo);
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {path} from {silo.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string SiloOf(string worker) => worker[..worker.LastIndexOf('/')];
}
