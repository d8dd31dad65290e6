using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Benchmarks.Io;

/// <summary>The I/O benchmarks' server, run in a process of its own: every response (GET, or PUT/POST after the whole body is read) takes a fixed delay.</summary>
/// <remarks>It prints <c>LISTENING PORT</c> once ready and runs until its standard input closes, so it dies with the benchmark that started it.</remarks>
internal sealed class SlowServerScenario : IScenario
{
    /// <summary>The name the benchmark starts this process with.</summary>
    public const string ScenarioName = "slow-server";

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <inheritdoc />
    public string Description => "the I/O benchmarks' loopback server (started by fetch and upload) [--delay-ms 500]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(args.GetInt64("delay-ms", 500));
        args.ThrowIfUnknownOptions();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        await using var app = builder.Build();
        var body = "grid-bench"u8.ToArray();
        app.Run(async context =>
        {
            if (context.Request.Method is "PUT" or "POST")
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            }

            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LISTENING {address.Port}"));

        // Standard input closes when the benchmark that started this process ends, however it ends.
        await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
