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
    builder.UseGrid();
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
