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

/// <summary>Maps the dashboard's page and its read-only JSON API; every endpoint is a GET that only reads the monitors.</summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder endpoints, DashboardReader reader, DashboardAssets assets, DashboardEventStream events)
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
        endpoints.MapGet("/api/jobs", context => WriteAsync(context, reader.GetJobs(), DashboardJsonContext.Default.IReadOnlyListJobView));
        endpoints.MapGet("/api/jobs/{id:guid}", context =>
        {
            var id = Guid.Parse((string)context.Request.RouteValues["id"]!, CultureInfo.InvariantCulture);
            return reader.GetJob(id) is { } job
                ? WriteAsync(context, job, DashboardJsonContext.Default.JobTraceView)
                : DashboardGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"This silo knows no job {id}: it keeps running jobs and the last {JobMonitor.MaxFinishedJobs} finished ones.");
        });
        endpoints.MapGet("/api/throughput", context =>
        {
            var seconds = JobMonitor.ThroughputSeconds;
            if (context.Request.Query.TryGetValue("seconds", out var value)
                && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
            {
                return DashboardGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest, $"seconds must be a whole number from 1 to {JobMonitor.ThroughputSeconds}; got '{value}'.");
            }

            return WriteAsync(context, reader.GetThroughput(seconds), DashboardJsonContext.Default.IReadOnlyListThroughputPointView);
        });
        endpoints.MapGet("/api/errors", context => WriteAsync(context, reader.GetErrors(), DashboardJsonContext.Default.IReadOnlyListErrorView));
        endpoints.MapGet("/api/events", events.StreamAsync);
        endpoints.MapFallback("{*path}", context => DashboardGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"The dashboard has nothing at {context.Request.Path}."));
    }

    private static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
        => context.Response.WriteAsJsonAsync(value, typeInfo, contentType: null, context.RequestAborted);
}
