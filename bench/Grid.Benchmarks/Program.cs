using Grid.Benchmarks;
using Grid.Benchmarks.Io;
using Grid.Benchmarks.Scenarios;

IScenario[] measured = [new ScalingScenario(), new OverheadScenario(), new MemoryScenario(), new LatencyScenario(), new TracingScenario(), new DashboardScenario(), new DashboardCostScenario(), new FetchScenario(), new UploadScenario(), new DeadlockScenario(), new Grid.Benchmarks.Isolation.IsolationScenario(), new Grid.Benchmarks.Cli.CliStartScenario()];
// The cluster and detached scenarios need a Redis (--cluster CONNECTION), and detached a PostgreSQL too, so 'all' leaves them out; run them on their own.
IScenario[] scenarios = [.. measured, new AllScenario(measured), new SlowServerScenario(), new Grid.Benchmarks.Cluster.ClusterScenario(), new Grid.Benchmarks.Cluster.DetachedScenario()];

BenchArgs parsed;
try
{
    parsed = BenchArgs.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 2;
}

var scenario = scenarios.FirstOrDefault(s => s.Name == parsed.Scenario);
if (scenario is null)
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/Grid.Benchmarks -- <scenario> [--option value]...");
    foreach (var s in scenarios)
    {
        Console.WriteLine($"  {s.Name,-10} {s.Description}");
    }

    return parsed.Scenario.Length == 0 ? 0 : 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the scenario cleanly (the silo shuts down); a second one kills the process.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

try
{
    return await scenario.RunAsync(parsed, cancel.Token).ConfigureAwait(false);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 2;
}
catch (NotImplementedException e)
{
    await Console.Error.WriteLineAsync($"{scenario.Name}: the Grid SDK is not implemented yet ({e.TargetSite?.DeclaringType?.Name}.{e.TargetSite?.Name}).").ConfigureAwait(false);
    return 3;
}
