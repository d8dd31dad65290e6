using Grid.Dashboard.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// A Grid silo on the Generic Host. Settings come from appsettings.json, appsettings.{Environment}.json,
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
catch (InvalidOperationException exception) when (exception.Message.StartsWith("Grid:", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"grid-silo: {exception.Message}");
    return 2;
}
