using Grid.Dashboard.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Grid.Dashboard.Security;

/// <summary>The first step of every request: security headers, GET only, and the access token when one is configured.</summary>
internal sealed class DashboardGuard(RequestDelegate next, AccessToken? token)
{
    /// <summary>The query parameter that carries the token where headers cannot be set (EventSource, a link).</summary>
    public const string QueryParameter = "access_token";

    /// <summary>The cookie a browser gets once it presented the token, so that the page's script and style load too.</summary>
    public const string CookieName = "grid-dashboard";

    // Only the dashboard's own script and style; no inline code, no frames, no other origin.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // Orleans' dashboard (under /orleans) loads its fonts and sets styles on its elements; it still runs only its own script.
    private const string OrleansContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string BearerPrefix = "Bearer ";

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(Grid.Dashboard.Hosting.OrleansDashboard.Path, StringComparison.OrdinalIgnoreCase)
            ? OrleansContentSecurityPolicy
            : ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            headers.Allow = HttpMethods.Get;

            // The refused request's body is never read (the body limit is 0), so Kestrel drops the connection after this
            // answer; saying so keeps a client from sending its next request down a connection that is about to close.
            headers.Connection = "close";
            await WriteProblemAsync(context, StatusCodes.Status405MethodNotAllowed, "The dashboard is read-only: it answers GET requests only.").ConfigureAwait(false);
            return;
        }

        if (token is null && !IsLoopbackHost(context.Request.Host.Host))
        {
            // Without a token the dashboard trusts loopback only; a page that rebinds its own name to 127.0.0.1 still sends its own name.
            await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "This dashboard has no access token, so it answers only requests addressed to localhost or a loopback address.").ConfigureAwait(false);
            return;
        }

        if (token is not null)
        {
            switch (Authenticate(context.Request, token))
            {
                case Presented.None:
                    headers.WWWAuthenticate = "Bearer";
                    await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, $"This dashboard needs its access token: send 'Authorization: Bearer <token>' or add ?{QueryParameter}=<token> to the address.").ConfigureAwait(false);
                    return;
                case Presented.Wrong:
                    headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                    await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "The access token is not this dashboard's.").ConfigureAwait(false);
                    return;
                case Presented.InQuery:
                    context.Response.Cookies.Append(CookieName, token.CookieValue, new CookieOptions
                    {
                        HttpOnly = true,
                        SameSite = SameSiteMode.Strict,
                        Secure = context.Request.IsHttps,
                        Path = "/",
                        IsEssential = true,
                    });
                    break;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsLoopbackHost(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>Writes a refusal: the status and a one-sentence JSON body.</summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ProblemView(error), DashboardJsonContext.Default.ProblemView, contentType: null, context.RequestAborted);
    }

    private static Presented Authenticate(HttpRequest request, AccessToken token)
    {
        var presented = false;
        StringValues authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            presented = true;
            var value = authorization[0] ?? string.Empty;
            if (value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && token.Matches(value.AsSpan(BearerPrefix.Length).Trim()))
            {
                return Presented.InHeader;
            }
        }

        if (request.Query.TryGetValue(QueryParameter, out var query))
        {
            presented = true;
            if (token.Matches(query[0]))
            {
                return Presented.InQuery;
            }
        }

        if (request.Cookies.TryGetValue(CookieName, out var cookie) && token.MatchesCookie(cookie))
        {
            return Presented.InCookie;
        }

        return presented ? Presented.Wrong : Presented.None;
    }

    private enum Presented
    {
        None,
        Wrong,
        InHeader,
        InQuery,
        InCookie,
    }
}
