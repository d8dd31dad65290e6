using Microsoft.Extensions.Logging;

namespace Grid.Dashboard.Hosting;

/// <summary>Sends the dashboard's web server logs to the silo's own loggers, so they land wherever the silo's logs go.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory siloLoggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => siloLoggers.CreateLogger(categoryName);

    public void Dispose()
    {
        // The silo owns its logger factory.
    }
}
