using System.Globalization;
using System.Text.RegularExpressions;
using Grid.Jobs;
using Grid.Client;
using Grid.Tests.Cluster;
using Grid.Tests.TestKernels;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard page in headless Chromium against two real silo processes on the test Redis: the silo that does not keep a job shows it reach 100%, traces it with the lanes of both silos and numbers that match its summary, and Orleans' own dashboard opens with the token.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class DashboardClusterBrowserTests(RedisFixture redis, ITestOutputHelper output)
{
    private const string Token = "two-silo-dashboard-token-0123456789";

    private static readonly float Wait = (float)TestLimits.Hang.TotalMilliseconds;

    [Fact]
    public async Task Page_JobRunsOnBothSilos_OtherSilosPageShowsItToTheEndWithBothSilosLanes()
    {
        await using var cluster = await SiloCluster.StartAsync(redis, 2, options => options with
        {
            Settings = new Dictionary<string, string>
            {
                ["Grid__Dashboard__Enabled"] = "true",
                ["Grid__Dashboard__Urls"] = "http://127.0.0.1:0",
                ["Grid__Dashboard__Token"] = Token,
            },
        });
        var dashboards = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var silo in cluster.Silos)
        {
            dashboards[silo.Name] = SiloProcess.DashboardAddress(await silo.WaitForLineAsync(SiloProcess.DashboardListeningLine, TestLimits.Hang));
        }

        await using var client = await cluster.ConnectClientAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DashboardBrowserTests.LaunchAsync(playwright);

        // A page on each silo's dashboard, open before the job starts.
        var pages = new Dictionary<string, IPage>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (silo, address) in dashboards)
        {
            var (opened, itsProblems) = await DashboardBrowserTests.OpenPageAsync(browser);
            await opened.GotoAsync(new Uri(address, $"/?access_token={Token}").ToString());
            await Expect(opened.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Wait });
            await Expect(opened.GetByTestId("silo-card")).ToHaveCountAsync(2, new() { Timeout = Wait });
            pages[silo] = opened;
            problems = [.. problems, .. itsProblems];
        }

        // Slow primes, so that both silos' workers take chunks of the job; its grain lives on one of the two silos.
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 16);
        var job = client.Map<long, bool>("is-prime", inputs);
        SiloProcess? owner = null;
        var results = await ClusterWorkload.ReadAllAsync(job, async _ => owner ??= await ClusterWorkload.FindOwnerAsync(cluster, client, job.Id));
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal((JobOutcome.Completed, inputs.Length), (summary.Outcome, results.Count));
        var ranBy = results.GroupBy(r => r.Worker[..r.Worker.LastIndexOf('/')]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.True(ranBy.Count == 2, $"both silos should have run items of the job; ran: {string.Join(", ", ranBy.Select(r => $"{r.Key}={r.Value}"))}\n{cluster.Logs}");

        // Both silos' pages show the job to its end, naming the silo its grain lives on.
        foreach (var shown in pages.Values)
        {
            var listed = shown.Locator($"[data-testid=job-row][data-job-id='{job.Id}']");
            await Expect(listed.GetByTestId("job-progress")).ToHaveTextAsync("100%", new() { Timeout = Wait });
            await Expect(listed.GetByTestId("job-outcome")).ToHaveTextAsync(nameof(JobOutcome.Completed), new() { Timeout = Wait });
            await Expect(listed.GetByTestId("job-ok")).ToHaveTextAsync(DashboardBrowserTests.Count(summary.Succeeded), new() { Timeout = Wait });
            await Expect(listed.GetByTestId("job-silo")).ToHaveTextAsync(owner!.Name, new() { Timeout = Wait });
        }

        // The page of the silo that does not keep the job.
        var other = cluster.Silos.Single(s => s != owner);
        var page = pages[other.Name];
        var row = page.Locator($"[data-testid=job-row][data-job-id='{job.Id}']");
        // Its trace, kept by the other silo: one lane per worker that ran, grouped under both silos, and the numbers of the summary.
        await row.ClickAsync();
        var trace = page.GetByTestId("trace-view");
        await Expect(trace).ToHaveAttributeAsync("data-outcome", nameof(JobOutcome.Completed), new() { Timeout = Wait });
        await Expect(page.GetByTestId("trace-silo")).ToHaveTextAsync($"on {owner!.Name}");
        await Expect(page.GetByTestId("trace-total")).ToHaveTextAsync(DashboardBrowserTests.Count(summary.Total));
        await Expect(page.GetByTestId("trace-ok")).ToHaveTextAsync(DashboardBrowserTests.Count(summary.Succeeded));
        await Expect(page.GetByTestId("trace-failed")).ToHaveTextAsync(DashboardBrowserTests.Count(summary.Failed));
        var chunks = page.GetByTestId("trace-chunk");
        Assert.Equal(summary.Total, (await chunks.EvaluateAllAsync<int[]>("bars => bars.map(b => Number(b.dataset.items))")).Sum());
        var workers = await chunks.EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.worker)");
        Assert.Equal(summary.Workers.Select(w => w.Worker).Order(StringComparer.Ordinal), workers.Distinct().Order(StringComparer.Ordinal));
        var groups = await page.GetByTestId("waterfall-silo").EvaluateAllAsync<string[]>("heads => heads.map(h => h.dataset.silo)");
        Assert.Equal(ranBy.Keys.Order(StringComparer.Ordinal), groups);
        var shares = await page.GetByTestId("trace-silo-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.silo + '=' + r.dataset.items)");
        Assert.Equal(ranBy.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"), shares);
        await Expect(page.GetByTestId("throughput-silo")).ToHaveCountAsync(2, new() { Timeout = Wait });
        DashboardBrowserTests.SaveScreenshot(output, await page.ScreenshotAsync(new() { FullPage = true }), "TestResults/dashboard-two-silos.png");

        // Orleans' own dashboard, served by the same silo behind the same token.
        var orleans = await page.GotoAsync(new Uri(dashboards[other.Name], $"/orleans/?access_token={Token}").ToString());
        Assert.Equal(200, orleans!.Status);
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard", new() { Timeout = Wait });
        DashboardBrowserTests.SaveScreenshot(output, await page.ScreenshotAsync(new() { FullPage = true }), "TestResults/orleans-dashboard-two-silos.png");
        Assert.Empty(problems);
    }
}
