using Grid;
using Grid.Client.Cluster;
using Grid.Hosting.Cluster;
using Grid.Dashboard.Hosting;
using Grid.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// A Grid silo: an Orleans silo on the Generic Host with Grid added (UseOrleans + AddGrid). Settings come from appsettings.json, appsettings.{Environment}.json,
// environment variables (Grid__Silo__MaxLocalWorkers=8) and the command line (--Grid:Silo:Name=silo-1).
var builder = Host.CreateApplicationBuilder(args);

// A setting rejected at start is reported below in one line per setting; the host's own stack-trace log would only bury it.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

try
{
    // The dashboard (read-only, loopback unless a token is set) comes with the silo unless Grid:Dashboard:Enabled is false.
    var dashboard = builder.Configuration.GetSection(DashboardOptions.SectionName);
    var enabled = dashboard[nameof(DashboardOptions.Enabled)] is not { } enabledText
        || (bool.TryParse(enabledText, out var parsed) ? parsed
            : throw new InvalidOperationException($"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Enabled)} must be true or false; got '{enabledText}'."));
    builder.UseGrid(silo =>
    {
        if (enabled)
        {
            silo.AddDashboard(options => dashboard.Bind(options));
        }
    });
    // With Grid:Cluster:Connection set (Grid__Cluster__Connection in the environment), the silo joins that cluster on Redis:
    // check Redis once first, so an unreachable server or a refused password is one line and an exit, not a retry loop.
    var cluster = builder.Configuration.GetSection(GridClusterOptions.SectionName).Get<GridClusterOptions>() ?? new GridClusterOptions();
    if (!string.IsNullOrWhiteSpace(cluster.Connection) && RedisConnection.ConnectionError(cluster.Connection) is null
        && (cluster.TlsCaFile is null || RedisConnection.CaFileError(cluster.TlsCaFile) is null))
    {
        var redis = RedisConnection.Parse(cluster.Connection, cluster.TlsCaFile, cluster.ConnectTimeout);
        await RedisConnection.CheckAsync(redis, cluster.Connection, CancellationToken.None);
    }

    // With Grid:Jobs:Store set, the silo keeps detached jobs there: check the store once first, for the same reason.
    await JobStoreCheck.CheckAsync(builder.Configuration, CancellationToken.None);

    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    foreach (var failure in exception.Failures)
    {
        await Console.Error.WriteLineAsync($"grid-silo: {failure}");
    }

    return 2;
}
catch (InvalidOperationException exception) when (exception.Message.StartsWith("Grid:", StringComparison.Ordinal)
    || exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"grid-silo: {exception.Message}");
    return 2;
}
catch (GridException exception) when (exception.Message.StartsWith("The job store (Grid:Jobs:Store", StringComparison.Ordinal))
{
    // The job store cannot be reached or refused the credentials: a setting to correct.
    await Console.Error.WriteLineAsync($"grid-silo: {exception.Message}");
    return 2;
}
catch (GridException exception)
{
    // Redis refused the password or did not answer, or another fault that trying again cannot mend.
    await Console.Error.WriteLineAsync($"grid-silo: {exception.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    // Stopped (SIGTERM, Ctrl+C) before the silo had started.
    return 0;
}
