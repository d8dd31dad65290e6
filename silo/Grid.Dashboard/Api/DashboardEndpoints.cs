using System.Data.Common;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Grid.Dashboard.Events;
using Grid.Dashboard.Security;
using Grid.Dashboard.Web;
using Grid.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Grid.Dashboard.Api;

/// <summary>Maps the dashboard's page and its read-only JSON API; every endpoint is a GET that only reads the cluster's monitors and the job store.</summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder endpoints, DashboardReader reader, StoredJobsReader stored, DashboardAssets assets, DashboardEventStream events)
    {
        foreach (var path in assets.Paths)
        {
            var (content, contentType) = assets.Get(path);
            endpoints.MapGet(path, context =>
            {
                context.Response.ContentType = contentType;
                context.Response.ContentLength = content.Length;
                return context.Response.Body.WriteAsync(content, context.RequestAborted).AsTask();
            });
        }

        endpoints.MapGet("/api/silos", context => WriteAsync(context, reader.GetSilos(), DashboardJsonContext.Default.IReadOnlyListSiloView));
        endpoints.MapGet("/api/jobs", async context => await WriteAsync(context, await reader.GetJobsAsync().ConfigureAwait(false), DashboardJsonContext.Default.IReadOnlyListJobView).ConfigureAwait(false));
        endpoints.MapGet("/api/jobs/{id:guid}", async context =>
        {
            var id = Guid.Parse((string)context.Request.RouteValues["id"]!, CultureInfo.InvariantCulture);
            var (job, silent) = await reader.GetJobAsync(id, context.RequestAborted).ConfigureAwait(false);
            await (job is not null
                ? WriteAsync(context, job, DashboardJsonContext.Default.JobTraceView)
                : silent.Count > 0
                    ? DashboardGuard.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, $"Silo {string.Join(", ", silent)} did not answer in time and may keep job {id}; ask again.")
                    : DashboardGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"No live silo of the cluster knows job {id}: each keeps its running jobs and its last {JobMonitor.MaxFinishedJobs} finished ones.")).ConfigureAwait(false);
        });
        endpoints.MapGet("/api/throughput", async context => await (WholeNumberError(context, "seconds", JobMonitor.ThroughputSeconds, JobMonitor.ThroughputSeconds, out var seconds) is { } error
            ? DashboardGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest, error)
            : WriteAsync(context, await reader.GetThroughputAsync(seconds).ConfigureAwait(false), DashboardJsonContext.Default.IReadOnlyListThroughputPointView)).ConfigureAwait(false));
        endpoints.MapGet("/api/throughput/silos", async context => await (WholeNumberError(context, "seconds", JobMonitor.ThroughputSeconds, JobMonitor.ThroughputSeconds, out var seconds) is { } error
            ? DashboardGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest, error)
            : WriteAsync(context, await reader.GetSiloThroughputAsync(seconds).ConfigureAwait(false), DashboardJsonContext.Default.IReadOnlyListSiloThroughputView)).ConfigureAwait(false));
        endpoints.MapGet("/api/stored-jobs", async context =>
        {
            if (WholeNumberError(context, "limit", StoredJobsReader.DefaultLimit, StoredJobsReader.MaxLimit, out var limit) is { } error)
            {
                await DashboardGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }

            StoredJobsView jobs;
            try
            {
                jobs = await stored.GetAsync(limit, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is DbException or TimeoutException)
            {
                await DashboardGuard.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, $"The job store could not list the stored jobs: {exception.Message}").ConfigureAwait(false);
                return;
            }

            await WriteAsync(context, jobs, DashboardJsonContext.Default.StoredJobsView).ConfigureAwait(false);
        });
        endpoints.MapGet("/api/errors", async context => await WriteAsync(context, await reader.GetErrorsAsync().ConfigureAwait(false), DashboardJsonContext.Default.IReadOnlyListErrorView).ConfigureAwait(false));
        endpoints.MapGet("/api/events", events.StreamAsync);
        endpoints.MapFallback("{*path}", context => DashboardGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"The dashboard has nothing at {context.Request.Path}."));
    }

    // Reads a whole-number query parameter, fallback when absent (the reader serves values past max as max, and 0 as 1);
    // returns why the request is refused when it is not a whole number.
    private static string? WholeNumberError(HttpContext context, string name, int fallback, int max, out int value)
    {
        value = fallback;
        return !context.Request.Query.TryGetValue(name, out var text) || int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            ? null
            : $"{name} must be a whole number from 1 to {max}; got '{text}'.";
    }

    private static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
        => context.Response.WriteAsJsonAsync(value, typeInfo, contentType: null, context.RequestAborted);
}
