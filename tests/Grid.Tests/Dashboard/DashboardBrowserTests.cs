using System.Globalization;
using System.Text.Json;
using Grid.Jobs;
using Grid.Stored;
using Grid.Tests.Stored;
using Grid.Tests.TestKernels;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard page in headless Chromium against a running silo: a job's progress, its trace view and its numbers.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests(DashboardClusterFixture cluster, ITestOutputHelper output)
{
    /// <summary>Debian's Chromium, which scripts/test.sh installs; Playwright never downloads a browser of its own here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Where the screenshot of the finished trace is saved, relative to the test's working directory.</summary>
    public const string ScreenshotPath = "TestResults/dashboard.png";

    private const int FreeItems = 60;
    private const int GatedItems = 40;

    private static readonly float Wait = (float)TestLimits.Hang.TotalMilliseconds;

    [Fact]
    public async Task Page_JobRunsToTheEnd_ShowsProgressAndATraceMatchingTheSummary()
    {
        using var guard = TestLimits.HangGuard();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var (page, problems) = await OpenPageAsync(browser);

        await page.GotoAsync(cluster.BaseAddress.ToString());
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Wait });

        // The free items finish at once; the gated ones hold both workers until the test opens the gate, so the page shows the job running.
        using var gate = new Gate();
        var items = Enumerable.Range(0, FreeItems + GatedItems).Select(i => new GateItem(gate, i, Blocks: i >= FreeItems)).ToArray();
        var job = cluster.Client.Map<GateItem, long>(GateKernel.Name, items, cancellationToken: guard.Token);
        var reading = job.ReadAllAsync();
        await gate.Blocked.WhenReached(DashboardClusterFixture.Workers);

        var row = page.Locator($"[data-testid=job-row][data-job-id='{job.Id}']");
        var progress = row.GetByTestId("job-progress");
        await Expect(row.GetByTestId("job-outcome")).ToHaveTextAsync("Running", new() { Timeout = Wait });
        await Expect(progress).Not.ToHaveTextAsync("100%", new() { Timeout = Wait });
        SaveScreenshot(await page.ScreenshotAsync(new() { FullPage = true }), "TestResults/dashboard-running.png");

        gate.Open();
        Assert.Equal(items.Length, (await reading).Count);
        var summary = await job.Summary.WaitAsync(guard.Token);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);

        await Expect(progress).ToHaveTextAsync("100%", new() { Timeout = Wait });
        await Expect(row.GetByTestId("job-ok")).ToHaveTextAsync(Count(summary.Succeeded), new() { Timeout = Wait });
        await Expect(row.GetByTestId("job-failed")).ToHaveTextAsync(Count(summary.Failed), new() { Timeout = Wait });

        await row.ClickAsync();
        var trace = page.GetByTestId("trace-view");
        await Expect(trace).ToHaveAttributeAsync("data-job-id", job.Id.ToString(), new() { Timeout = Wait });
        await Expect(trace).ToHaveAttributeAsync("data-outcome", nameof(JobOutcome.Completed), new() { Timeout = Wait });
        await Expect(page.GetByTestId("trace-total")).ToHaveTextAsync(Count(summary.Total));
        await Expect(page.GetByTestId("trace-ok")).ToHaveTextAsync(Count(summary.Succeeded));
        await Expect(page.GetByTestId("trace-failed")).ToHaveTextAsync(Count(summary.Failed));

        var chunks = page.GetByTestId("trace-chunk");
        var chunkItems = await chunks.EvaluateAllAsync<int[]>("bars => bars.map(b => Number(b.dataset.items))");
        Assert.Equal(summary.Total, chunkItems.Sum());
        var workers = await chunks.EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.worker)");
        Assert.Equal(summary.Workers.Select(w => w.Worker).Order(StringComparer.Ordinal), workers.Distinct().Order(StringComparer.Ordinal));

        // The diagnosis of the finished job, in the sentences the API gives.
        using var traced = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri($"/api/jobs/{job.Id}", UriKind.Relative), guard.Token));
        var sentences = traced.RootElement.GetProperty("diagnosis").GetProperty("sentences").EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.StartsWith("Workers were busy ", sentences[0], StringComparison.Ordinal);
        await Expect(page.GetByTestId("diagnosis-sentence")).ToHaveTextAsync(sentences, new() { Timeout = Wait });

        SaveScreenshot(await page.ScreenshotAsync(new() { FullPage = true }), ScreenshotPath);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Page_StoredJobFinished_ListsItWithItsProgressAndOpensItsRunsTraceOrNamesItsOwner()
    {
        using var guard = TestLimits.HangGuard();

        // This collection's silo has no job store: this test brings its own, from the run's PostgreSQL.
        var postgres = new PostgresFixture();
        await postgres.InitializeAsync();
        var store = await postgres.CreateDatabaseAsync(guard.Token);
        try
        {
            await using var silo = await DashboardStoredJobsTests.StartSiloAsync(store, "stored-silo");
            var job = await silo.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 500).Select(i => (long)i), cancellationToken: guard.Token);
            Assert.Equal(500, (await silo.Client.AttachAsync<long>(job.Id).ReadAllAsync()).Count);
            var run = (await silo.Client.GetJobAsync(job.Id, guard.Token))!.RunJobId!.Value;
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            var (page, problems) = await OpenPageAsync(browser);

            await page.GotoAsync(DashboardClusterFixture.AddressOf(silo).ToString());

            var row = page.Locator($"[data-testid=stored-row][data-job-id='{job.Id}']");
            await Expect(row.GetByTestId("stored-state")).ToHaveTextAsync(nameof(StoredJobState.Completed), new() { Timeout = Wait });
            await Expect(row.GetByTestId("stored-progress")).ToHaveTextAsync("100%");
            await Expect(row.GetByTestId("stored-ok")).ToHaveTextAsync(Count(500));
            await Expect(row.GetByTestId("stored-failed")).ToHaveTextAsync("0");

            await row.GetByTestId("stored-trace-link").ClickAsync();
            var trace = page.GetByTestId("trace-view");
            await Expect(trace).ToHaveAttributeAsync("data-job-id", run.ToString(), new() { Timeout = Wait });
            await Expect(trace).ToHaveAttributeAsync("data-outcome", nameof(JobOutcome.Completed), new() { Timeout = Wait });
            await Expect(page.GetByTestId("trace-total")).ToHaveTextAsync(Count(500));
            await Expect(page.GetByTestId("diagnosis-sentence").First).ToContainTextAsync("Workers were busy ");

            SaveScreenshot(await page.ScreenshotAsync(new() { FullPage = true }), "TestResults/dashboard-stored.png");

            // Another cluster's silo on the same store lists the job too, but never saw its run: it names the owner, with no link.
            await using var other = await DashboardStoredJobsTests.StartSiloAsync(store, "other-silo", twice: false);
            await page.GotoAsync(DashboardClusterFixture.AddressOf(other).ToString());
            var elsewhere = page.Locator($"[data-testid=stored-row][data-job-id='{job.Id}']");
            await Expect(elsewhere.GetByTestId("stored-trace-elsewhere")).ToHaveTextAsync("owned by stored-silo", new() { Timeout = Wait });
            await Expect(elsewhere.GetByTestId("stored-trace-link")).ToHaveCountAsync(0);
            Assert.Empty(problems);
        }
        finally
        {
            await postgres.DropDatabaseAsync(store, CancellationToken.None);
        }
    }

    [Fact]
    public async Task OrleansPage_OpenedWithTheToken_ShowsTheClusterWithoutErrors()
    {
        const string token = "orleans-page-token-0123456789";
        await using var silo = await DashboardClusterFixture.StartClusterAsync(o => o.Token = token);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var (page, problems) = await OpenPageAsync(browser);

        // The token in the address once; the page's own requests then carry the cookie it set.
        var response = await page.GotoAsync(new Uri(DashboardClusterFixture.AddressOf(silo), $"/orleans/?access_token={token}").ToString());
        Assert.Equal(200, response!.Status);
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard", new() { Timeout = Wait });
        await Expect(page.Locator("#brand-header")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        var counters = await page.WaitForResponseAsync(r => r.Url.Contains("/orleans/DashboardCounters", StringComparison.Ordinal), new() { Timeout = Wait });
        Assert.Equal(200, counters.Status);

        SaveScreenshot(await page.ScreenshotAsync(new() { FullPage = true }), "TestResults/orleans-dashboard.png");
        Assert.Empty(problems);
    }

    /// <summary>Starts Debian's Chromium, headless.</summary>
    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: the dashboard's browser test needs Debian's chromium package; run scripts/test.sh, which installs it.");
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Opens a page whose console errors and script errors (a blocked script or style among them) are collected.</summary>
    internal static async Task<(IPage Page, List<string> Problems)> OpenPageAsync(IBrowser browser)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        page.SetDefaultTimeout(Wait);
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        return (page, problems);
    }

    /// <summary>Formats a count as the page does: 1,234.</summary>
    internal static string Count(long value) => value.ToString("N0", CultureInfo.GetCultureInfo("en-US"));

    private void SaveScreenshot(byte[] png, string path) => SaveScreenshot(output, png, path);

    /// <summary>Saves a screenshot as a test artifact and names where.</summary>
    internal static void SaveScreenshot(ITestOutputHelper output, byte[] png, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, png);
        output.WriteLine($"Screenshot of the dashboard: {Path.GetFullPath(path)}");
    }
}
