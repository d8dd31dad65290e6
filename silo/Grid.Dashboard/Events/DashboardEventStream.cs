using System.Buffers;
using System.Text.Json;
using Grid.Dashboard.Api;
using Grid.Dashboard.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Grid.Dashboard.Events;

/// <summary>Serves <c>GET /api/events</c>: a Server-Sent Events stream with an update on connect and every half second, until the client leaves or the silo stops.</summary>
internal sealed class DashboardEventStream(DashboardReader reader, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
{
    /// <summary>The most event streams open at once; more get 503, so idle tabs cannot pile up on a silo.</summary>
    public const int MaxStreams = 32;

    private int _open;

    /// <summary>The time between two updates.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>The name of the events carrying a <see cref="DashboardUpdate"/>.</summary>
    public const string UpdateEvent = "update";

    private static readonly byte[] Preamble = "retry: 2000\n\n"u8.ToArray();
    private static readonly byte[] EventHeader = "event: update\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public async Task StreamAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _open) > MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            await DashboardGuard.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, $"The dashboard already serves {MaxStreams} live streams; close one or poll the API.").ConfigureAwait(false);
            return;
        }

        try
        {
            await WriteUpdatesAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task WriteUpdatesAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            await response.Body.WriteAsync(Preamble, cancellationToken).ConfigureAwait(false);
            var first = true;
            do
            {
                var update = await reader.GetUpdateAsync(first).WaitAsync(cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
                buffer.Write(EventHeader);
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    // One line of JSON: the writer never indents, and JSON strings escape their newlines, so the event cannot be split.
                    JsonSerializer.Serialize(writer, update, DashboardJsonContext.Default.DashboardUpdate);
                }

                buffer.Write(EventEnd);
                await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                first = false;
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the silo is stopping: the stream simply ends.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The connection broke while an update was being written.
        }
    }
}
