using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Grid.Diagnostics;
using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>Makes one request of a job to its end: attempts with a time limit each, retried by the job's <see cref="FetchRetries"/> pipeline, redirects by hand, and the body read within its cap.</summary>
/// <remarks>Runs on thread-pool threads, outside the job grain's turns; it touches no job state and returns the request's result.</remarks>
internal sealed class RequestRunner(FetchHttp http, FetchPolicy policy, TimeProvider time)
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Makes the request; never throws: every ending, the job's stop included, is a result.</summary>
    public async Task<FetchResult> RunAsync(FetchJob job, FetchItem item, CancellationToken stop)
    {
        var started = time.GetTimestamp();
        using var activity = StartActivity(job, item);
        var attempts = 0;
        FetchResult result;
        try
        {
            result = await job.Retries(time).ExecuteAsync(
                async token => await AttemptAsync(job, item, ++attempts, started, token).ConfigureAwait(false),
                stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The job stopped during an attempt or during the wait before the next one.
            result = Stopped(job, item, started, attempts);
        }
        catch (FetchFailure failure)
        {
            result = FetchAdmission.Failed(
                item.Url.OriginalString, failure.Reason, failure.Status, Describe(failure, attempts), failure.StatusCode, time.GetElapsedTime(started), attempts) with { File = item.File };
        }

        EndActivity(activity, result);
        return result;
    }

    private static string Describe(FetchFailure failure, int attempts)
        => attempts > 1 ? $"{failure.Message} ({attempts} attempts)" : failure.Message;

    private FetchResult Stopped(FetchJob job, FetchItem item, long started, int attempts)
    {
        var stop = job.StopReason ?? new FetchJob.StopInfo(ItemStatus.Cancelled, FetchReasons.Cancelled, "The job was cancelled while the request ran.");
        return FetchAdmission.Failed(item.Url.OriginalString, stop.Reason, stop.Status, stop.Message, elapsed: time.GetElapsedTime(started), attempts: attempts) with { File = item.File };
    }

    /// <summary>One attempt, redirects included, under the request time limit.</summary>
    private async Task<FetchResult> AttemptAsync(FetchJob job, FetchItem item, int attempt, long started, CancellationToken stop)
    {
        var settings = job.Settings;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(settings.RequestTimeout);
        var url = item.Url;
        HashSet<string>? visited = null;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(job.Method, url)
                {
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                };
                long sent = 0;
                if (job.IsUpload)
                {
                    (request.Content, sent) = OpenFile(item);
                }

                using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && settings.MaxRedirects > 0)
                {
                    url = NextHop(job, url, response, redirects, ref visited);
                    continue;
                }

                if (status is < 200 or >= 300)
                {
                    throw new FetchFailure(
                        FetchReasons.ForStatus(status),
                        $"{url.IdnHost} answered {status} {response.ReasonPhrase}.".Replace(" .", ".", StringComparison.Ordinal),
                        transient: status is >= 500 or 429,
                        statusCode: status,
                        retryAfter: status is 429 or 503 ? FetchRetries.RetryAfter(response.Headers.RetryAfter, time.GetUtcNow(), settings.MaxRetryDelay) : null);
                }

                var result = job.IsUpload
                    ? new FetchResult(url.OriginalString, status, sent, default, attempt) { File = item.File }
                    : await ReadBodyAsync(job, item, response, attempt, limit.Token).ConfigureAwait(false);
                return result with
                {
                    Elapsed = time.GetElapsedTime(started),
                    FinalUrl = ReferenceEquals(url, item.Url) ? null : url.AbsoluteUri,
                    ContentType = response.Content.Headers.ContentType?.ToString(),
                };
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            throw new FetchFailure(
                FetchReasons.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"No complete response from {url.IdnHost} within the request time limit of {settings.RequestTimeout.TotalSeconds:0.###} s."),
                transient: true);
        }
        catch (HttpRequestException e)
        {
            throw Classify(e, url);
        }
        catch (IOException e) when (!stop.IsCancellationRequested)
        {
            // The connection broke while the body was read.
            throw new FetchFailure(FetchReasons.ConnectionFailed, $"The connection to {url.IdnHost} broke: {e.Message}", transient: true, cause: e);
        }
    }

    private Uri NextHop(FetchJob job, Uri url, HttpResponseMessage response, int redirects, ref HashSet<string>? visited)
    {
        var status = (int)response.StatusCode;
        if (response.Headers.Location is not { } location)
        {
            throw new FetchFailure(FetchReasons.BadRedirect, $"{url.IdnHost} answered {status} without a Location to go to.", transient: false, statusCode: status);
        }

        if (job.IsUpload && status is not (307 or 308))
        {
            throw new FetchFailure(FetchReasons.BadRedirect, $"{url.IdnHost} answered {status}; an upload follows only 307 and 308 redirects, which keep the method and the body.", transient: false, statusCode: status);
        }

        var next = location.IsAbsoluteUri ? location : new Uri(url, location);
        if (redirects >= job.Settings.MaxRedirects)
        {
            throw new FetchFailure(FetchReasons.TooManyRedirects, $"More than {job.Settings.MaxRedirects} redirects; the last pointed to {next.AbsoluteUri}.", transient: false, statusCode: status);
        }

        visited ??= new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        if (!visited.Add(next.AbsoluteUri))
        {
            throw new FetchFailure(FetchReasons.RedirectLoop, $"Redirect loop: {url.AbsoluteUri} sends back to {next.AbsoluteUri}, already visited.", transient: false, statusCode: status);
        }

        if (policy.CheckUrl(next) is { } denial)
        {
            throw new FetchFailure(denial.Reason, $"Redirected to {next.AbsoluteUri}: {denial.Message}", transient: false, statusCode: status);
        }

        return next;
    }

    private static (HttpContent Content, long Length) OpenFile(FetchItem item)
    {
        FileStream file;
        try
        {
            file = new FileStream(item.FilePath!, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FetchFailure(FetchReasons.FileUnreadable, $"Cannot read '{item.File}': {e.Message}", transient: false, sent: false, cause: e);
        }

        // Streamed from the file as the connection takes it, never loaded whole; the request disposes the stream.
        var content = new StreamContent(file, BufferSize);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = file.Length;
        return (content, file.Length);
    }

    /// <summary>Reads the body within the cap, keeping, saving or only hashing it as the job asks.</summary>
    private static async Task<FetchResult> ReadBodyAsync(FetchJob job, FetchItem item, HttpResponseMessage response, int attempt, CancellationToken cancellationToken)
    {
        var cap = job.Settings.MaxBodyBytes;
        var mode = job.Settings.Body;
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentLength is { } declared && declared > cap)
        {
            throw TooLarge($"The body is over {cap} bytes (the server declared {declared}); it was not read.", status);
        }

        using var hash = mode == FetchBodyMode.Return ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var memory = mode == FetchBodyMode.Return ? new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 0, cap)) : null;
        var save = mode == FetchBodyMode.Save ? BodyFile.Create(job.SaveFolder!, SafeFileName.For(item.Index, item.Url)) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                long total = 0;
                while (true)
                {
                    // Never ask for more than one byte past the cap: a body over it is stopped, not read to its end.
                    var want = (int)Math.Min(buffer.Length, cap - total + 1);
                    var read = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (total > cap)
                    {
                        throw TooLarge($"The body is over {cap} bytes; reading stopped there.", status);
                    }

                    hash?.AppendData(buffer, 0, read);
                    memory?.Write(buffer, 0, read);
                    if (save is not null)
                    {
                        await save.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }

                var sha = hash is null ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
                var savedPath = save is null ? null : await save.CommitAsync().ConfigureAwait(false);
                return new FetchResult(item.Url.OriginalString, status, total, default, attempt)
                {
                    Body = memory is null ? null : memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray(),
                    Sha256 = sha,
                    SavedPath = savedPath,
                };
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (save is not null)
            {
                await save.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static FetchFailure TooLarge(string message, int status)
        => new(FetchReasons.BodyTooLarge, message, transient: false, statusCode: status);

    /// <summary>Turns the client's exception into the reason a person reads, and says whether trying again could help.</summary>
    private static FetchFailure Classify(HttpRequestException exception, Uri url)
    {
        var where = url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}";
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case FetchDeniedException denied:
                    return new FetchFailure(FetchReasons.Denied, denied.Message, transient: false, sent: false, cause: exception);
                case FetchFailure failure:
                    return failure;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return new FetchFailure(FetchReasons.UnknownHost, $"The host {url.IdnHost} was not found (DNS has no address for it).", transient: false, sent: false, cause: exception);
                case SocketException { SocketErrorCode: SocketError.TryAgain }:
                    return new FetchFailure(FetchReasons.UnknownHost, $"The host {url.IdnHost} could not be resolved just now (temporary DNS failure).", transient: true, sent: false, cause: exception);
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return new FetchFailure(FetchReasons.ConnectionRefused, $"Connection refused by {where}: nothing listens there.", transient: true, sent: false, cause: exception);
                case AuthenticationException tls:
                    return new FetchFailure(FetchReasons.ConnectionFailed, $"The TLS handshake with {where} failed: {tls.Message}", transient: false, sent: false, cause: exception);
                default:
                    break;
            }
        }

        return exception.HttpRequestError == HttpRequestError.NameResolutionError
            ? new FetchFailure(FetchReasons.UnknownHost, $"The host {url.IdnHost} was not found (DNS has no address for it).", transient: false, sent: false, cause: exception)
            : new FetchFailure(FetchReasons.ConnectionFailed, $"The request to {where} failed: {exception.Message}", transient: true, cause: exception);
    }

    private static Activity? StartActivity(FetchJob job, FetchItem item)
    {
        if (!GridDiagnostics.Fetch.HasListeners())
        {
            return null;
        }

        // Made current on this request's own flow, so that the HTTP client's spans nest under it.
        var activity = GridDiagnostics.Fetch.StartActivity($"grid.{job.Spec.Kernel} {job.Method.Method}", ActivityKind.Client, job.Parent);
        activity?.SetTag(GridTags.JobId, job.Spec.JobId.ToString());
        activity?.SetTag(GridTags.HttpMethod, job.Method.Method);
        activity?.SetTag(GridTags.Url, item.Url.GetLeftPart(UriPartial.Path));
        activity?.SetTag(GridTags.ServerAddress, item.Url.IdnHost);
        return activity;
    }

    private static void EndActivity(Activity? activity, FetchResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(GridTags.FetchAttempts, result.Attempts);
        activity.SetTag(GridTags.FetchOutcome, result.Reason ?? "ok");
        if (result.StatusCode != 0)
        {
            activity.SetTag(GridTags.HttpStatusCode, result.StatusCode);
        }

        if (result.Error is { } error)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }
}
