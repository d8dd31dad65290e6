using System.Diagnostics;
using Grid.Client.Cluster;
using Grid.Diagnostics;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Serialization;
using Grid.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using SiloStatus = Grid.Cluster.SiloStatus;

namespace Grid.Client;

/// <summary>The entry point of the SDK: runs named kernels on the silos of a cluster (or an embedded silo) and gives back every result as it completes.</summary>
/// <example>
/// <code>
/// await using var grid = await GridClient.StartEmbeddedAsync();   // with Grid.Hosting; or GridClient.ConnectAsync(connection)
/// await foreach (var result in grid.Map&lt;long, bool&gt;("is-prime", numbers))
/// {
///     Console.WriteLine($"{numbers[(int)result.Index]}: {(result.IsSuccess ? result.Value : result.Error)}");
/// }
/// </code>
/// </example>
public sealed partial class GridClient : IAsyncDisposable
{
    private readonly IGrainFactory _cluster;
    private readonly IHost? _host;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _silenceTimeout;
    private readonly int _messageBudget;

    // Orleans' codecs of this client's messages, when its items travel to silos in other processes (an embedded silo's never do).
    private readonly ICodecProvider? _codecs;
    private Dictionary<string, KernelInfo>? _kernels;
    private int _disposed;

    private GridClient(IGrainFactory cluster, IHost? host, IServiceProvider? siloServices, TimeSpan? silenceTimeout, TimeProvider time, int messageLimit, ICodecProvider? codecs = null)
    {
        _cluster = cluster;
        _codecs = codecs;
        _messageBudget = PayloadSize.BudgetOf(messageLimit);
        _host = host;
        SiloServices = siloServices;
        _silenceTimeout = silenceTimeout;
        _time = time;
    }

    /// <summary>Gets the services of the embedded silo, or <see langword="null"/> when the silos run elsewhere.</summary>
    internal IServiceProvider? SiloServices { get; }

    /// <summary>Gets whether this client reaches silos outside its own process, through Orleans' gateways.</summary>
    public bool IsCluster => SiloServices is null;

    /// <summary>Gets the Orleans grain factory of this client, to call your own grains beside Grid's.</summary>
    public IGrainFactory GrainFactory => _cluster;

    /// <summary>Makes a client over an Orleans grain factory this application already has: a grain's own <c>GrainFactory</c>, or the <c>IClusterClient</c> of an Orleans client or silo host.</summary>
    /// <remarks>The client owns nothing: disposing it leaves the Orleans client or silo running. The silos must run Grid (<c>siloBuilder.AddGrid()</c>).</remarks>
    /// <param name="grainFactory">The grain factory the calls go through.</param>
    /// <param name="options">With options, a job whose silo dies is started again elsewhere (see <see cref="ClusterClientOptions.JobSilenceTimeout"/>), as for a client of <see cref="ConnectAsync"/>; without, it fails.</param>
    public static GridClient Create(IGrainFactory grainFactory, ClusterClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        // An Orleans client says its message limit; a grain's factory goes by the default the silos have unless configured.
        var limit = (grainFactory as IClusterClient)?.ServiceProvider.GetService<IOptions<ClientMessagingOptions>>()?.Value.MaxMessageBodySize ?? PayloadSize.DefaultMessageLimit;
        var codecs = (grainFactory as IClusterClient)?.ServiceProvider.GetService<ICodecProvider>();
        return new GridClient(grainFactory, host: null, siloServices: null, options?.JobSilenceTimeout, TimeProvider.System, limit, codecs);
    }

    /// <summary>Makes the client of a silo this process hosts (see Grid.Hosting's <c>StartEmbeddedAsync</c>); disposing it stops <paramref name="host"/>.</summary>
    internal static GridClient ForEmbedded(IClusterClient cluster, IHost host, IServiceProvider siloServices, int messageLimit)
        => new(cluster, host, siloServices, silenceTimeout: null, siloServices.GetService<TimeProvider>() ?? TimeProvider.System, messageLimit);

    /// <summary>Connects to a cluster of silos through Orleans' gateways, found in the cluster's Redis membership table; the returned client has the same API as an embedded one.</summary>
    /// <param name="connection">The Redis connection string the silos' <c>Grid:Cluster:Connection</c> holds, <c>host:port,password=...</c> (<c>,ssl=true</c> for TLS); take it from configuration or the environment, not from code.</param>
    /// <param name="options">The cluster's name and timings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops trying to connect.</param>
    /// <exception cref="ArgumentException">The connection string or an option is not valid; the message names it.</exception>
    /// <exception cref="GridException">Redis cannot be reached or refused the password, or no silo's gateway answered, within <see cref="ClusterClientOptions.ConnectTimeout"/>.</exception>
    public static async Task<GridClient> ConnectAsync(string connection, ClusterClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        options ??= new ClusterClientOptions();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new ArgumentException("ClusterClientOptions.Name must name the cluster (its silos' Grid:Cluster:Name).", nameof(options));
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.JobSilenceTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("ClusterClientOptions.ConnectTimeout and JobSilenceTimeout must be positive.", nameof(options));
        }

        if (options.MaxMessageBytes < PayloadSize.MinMessageLimit)
        {
            throw new ArgumentException($"ClusterClientOptions.MaxMessageBytes must be at least {PayloadSize.MinMessageLimit} (64 KiB); got {options.MaxMessageBytes}.", nameof(options));
        }

        var redis = RedisConnection.Parse(connection, options.TlsCaFile, options.ConnectTimeout);
        await RedisConnection.CheckAsync(redis, connection, cancellationToken).ConfigureAwait(false);
        var builder = new HostBuilder().UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.Name;
                o.ServiceId = options.Name;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = options.MaxMessageBytes);
            client.Services.AddSerializer(s => s.AddGridItems());

            // The caller's span travels into each grain call, so a job's silos continue the client's trace.
            client.AddActivityPropagation();
        });
        if (options.LoggerProvider is { } provider)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(provider));
        }

        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new GridException(ConnectFailure(connection, options, exception), exception);
        }

        return new GridClient(host.Services.GetRequiredService<IClusterClient>(), host, siloServices: null, options.JobSilenceTimeout, TimeProvider.System, options.MaxMessageBytes, host.Services.GetService<ICodecProvider>());
    }

    private static string ConnectFailure(string connection, ClusterClientOptions options, Exception exception)
    {
        var where = $"cluster '{options.Name}' on Redis {RedisConnection.Redact(connection)}";
        var reason = Innermost(exception).Message;
        if (exception is OperationCanceledException)
        {
            return $"Could not connect to {where} within {options.ConnectTimeout.TotalSeconds:0.#} s: no silo's gateway answered (is Redis reachable and a silo running?).";
        }

        if (reason.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase) || reason.Contains("WRONGPASS", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("AuthenticationFailure", StringComparison.OrdinalIgnoreCase) || reason.Contains("invalid password", StringComparison.OrdinalIgnoreCase))
        {
            return $"Could not connect to {where}: Redis refused the password.";
        }

        return $"Could not connect to {where}: {reason}";
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner && exception is not GridException)
        {
            exception = inner;
        }

        return exception;
    }

    /// <summary>Lists the live silos with their worker slots and load: the embedded silo, or every silo of the cluster that sent a heartbeat lately.</summary>
    public async Task<IReadOnlyList<SiloStatus>> GetSilosAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var hosts = await GetHostsAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await Task.WhenAll(hosts.Keys.Select(async silo =>
        {
            try
            {
                return await WorkerPools.Of(_cluster, silo).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or SiloUnavailableException or OrleansException or GridException)
            {
                // A silo that stops or dies between the list and its answer is not live any more.
                return null;
            }
        })).ConfigureAwait(false);
        return [.. statuses.OfType<SiloStatus>().OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private async Task CancelSubmitAsync(Guid id)
    {
        try
        {
            var hosts = await GetHostsAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(hosts.Keys.Select(silo => WorkerPools.Of(_cluster, silo).CancelJobAsync(id, "The caller cancelled the call."))).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException or ObjectDisposedException)
        {
            // A silo that cannot be told is gone or stopping, and its kernel with it; the caller has its OperationCanceledException already.
        }
    }

    // A call that went to a gateway which died waits Orleans' whole response timeout (dotnet/orleans#10165): ask again through another.
    private async Task<Dictionary<SiloAddress, Orleans.Runtime.SiloStatus>> GetHostsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (attempt < 4 && exception is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
            {
                // The next call goes through a gateway that is still there.
            }
        }
    }

    /// <summary>Lists the kernels the silo can run, sorted by name.</summary>
    public async Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var kernels = await _cluster.GetGrain<IKernelCatalogGrain>(0).GetKernelsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _kernels = kernels.ToDictionary(k => k.Name, StringComparer.Ordinal);
        return kernels;
    }

    /// <summary>Runs <paramref name="kernel"/> on one input and returns its value.</summary>
    /// <exception cref="GridException">The kernel is not registered on the silo, or does not take <typeparamref name="TIn"/> and return <typeparamref name="TOut"/>.</exception>
    /// <exception cref="ItemFailedException">The kernel threw or passed its time limit; the exception carries the item's error.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was signalled.</exception>
    public async Task<TOut> SubmitAsync<TIn, TOut>(string kernel, TIn input, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        TimeLimit.ThrowIfNotPositive(options?.Timeout, $"{nameof(SubmitOptions)}.{nameof(SubmitOptions.Timeout)}");
        TimeLimit.ThrowIfNotPositive(options?.HardTimeout, $"{nameof(SubmitOptions)}.{nameof(SubmitOptions.HardTimeout)}");
        TimeLimit.ThrowIfHardBelowSoft(options?.HardTimeout, $"{nameof(SubmitOptions)}.{nameof(SubmitOptions.HardTimeout)}", options?.Timeout, $"{nameof(SubmitOptions)}.{nameof(SubmitOptions.Timeout)}");
        await CheckKernelAsync(kernel, typeof(TIn), typeof(TOut), cancellationToken).ConfigureAwait(false);
        using var activity = GridDiagnostics.Client.HasListeners()
            ? GridDiagnostics.Client.StartActivity($"grid.submit {kernel}", ActivityKind.Client)
            : null;
        activity?.SetTag(GridTags.Kernel, kernel);
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, kernel, new[] { input })
        {
            ItemTimeout = options?.Timeout,
            HardItemTimeout = options?.HardTimeout,
            TraceParent = activity?.Id,
        };

        // Stop waiting as soon as the caller cancels, even while the call still waits for a free worker (it then ends at once); the kernel
        // is told through every silo's pool, since Orleans does not deliver the token to the stateless worker that runs it.
        ChunkResult result;
        try
        {
            result = await _cluster.GetGrain<IWorkerGrain>(0).RunChunkAsync(chunk, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = CancelSubmitAsync(chunk.JobId);
            throw;
        }
        if (result.Errors?[0] is { } error)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var failure = new ItemFailedException(0, error);
            GridDiagnostics.SetError(activity, failure);
            throw failure;
        }

        return result.Outputs is TOut[] typed ? typed[0] : (TOut)result.Outputs!.GetValue(0)!;
    }

    /// <summary>Runs <paramref name="kernel"/> over every input, read lazily as the job makes room; enumerate the returned job to get each result as it completes.</summary>
    /// <param name="kernel">The name of a kernel registered on the silo.</param>
    /// <param name="inputs">The inputs; read once, in order, never all held at once.</param>
    /// <param name="options">How the job runs; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the job: queued items are dropped and running kernels see their token.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public GridJob<TOut> Map<TIn, TOut>(string kernel, IEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return CreateJob<TIn, TOut>(kernel, options, (session, token) => session.FeedAsync(inputs, token), cancellationToken);
    }

    /// <summary>Runs <paramref name="kernel"/> over every input of an asynchronous sequence, read lazily as the job makes room; enumerate the returned job to get each result as it completes.</summary>
    /// <param name="kernel">The name of a kernel registered on the silo.</param>
    /// <param name="inputs">The inputs; read once, in order, never all held at once.</param>
    /// <param name="options">How the job runs; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the job: queued items are dropped and running kernels see their token.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public GridJob<TOut> Map<TIn, TOut>(string kernel, IAsyncEnumerable<TIn> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return CreateJob<TIn, TOut>(kernel, options, (session, token) => session.FeedAsync(inputs, token), cancellationToken);
    }

    /// <summary>GETs every URL with bounded concurrency, read lazily as the job makes room; enumerate the returned job to get each request's result as it completes.</summary>
    /// <param name="urls">The URLs; read once, in order, never all held at once. A malformed or denied URL is that item's error.</param>
    /// <param name="options">How the requests are made and what becomes of the bodies; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the job: waiting requests are dropped and requests in flight are aborted.</param>
    /// <returns>The job; each result's value is a <see cref="FetchResult"/>, for failed requests too (with the reason), and its summary counts failures by reason.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="urls"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public GridJob<FetchResult> Fetch(IEnumerable<string> urls, FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return CreateFetchJob<FetchOptions>(FetchJobs.Fetch, options ?? new FetchOptions(), settings => settings, (session, token) => session.FeedAsync(urls, token), cancellationToken);
    }

    /// <summary>GETs every URL of an asynchronous sequence with bounded concurrency, read lazily as the job makes room; enumerate the returned job to get each request's result as it completes.</summary>
    /// <param name="urls">The URLs; read once, in order, never all held at once. A malformed or denied URL is that item's error.</param>
    /// <param name="options">How the requests are made and what becomes of the bodies; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the job: waiting requests are dropped and requests in flight are aborted.</param>
    /// <returns>The job; each result's value is a <see cref="FetchResult"/>, for failed requests too (with the reason), and its summary counts failures by reason.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="urls"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public GridJob<FetchResult> Fetch(IAsyncEnumerable<string> urls, FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return CreateFetchJob<FetchOptions>(FetchJobs.Fetch, options ?? new FetchOptions(), settings => settings, (session, token) => session.FeedAsync(urls, token), cancellationToken);
    }

    /// <summary>Sends every file of <paramref name="folder"/> to <paramref name="targetUrl"/>, one streamed request per file with bounded concurrency; enumerate the returned job to get each file's result as it completes.</summary>
    /// <param name="folder">The folder whose files are sent (with its subfolders unless <see cref="UploadOptions.Recursive"/> is off); it must be on the silo's machine and allowed by its <c>Grid:Fetch:UploadRoots</c> (the embedded silo allows any).</param>
    /// <param name="targetUrl">Where each file goes: its path relative to <paramref name="folder"/> replaces <c>{path}</c> in the URL, or is appended after a <c>/</c>.</param>
    /// <param name="options">How the requests are made; <see langword="null"/> for the defaults (PUT).</param>
    /// <param name="cancellationToken">Cancels the job: waiting files are dropped and uploads in flight are aborted.</param>
    /// <exception cref="ArgumentException">The folder does not exist, the target is not an http or https URL, or an option is out of range; the message names it.</exception>
    public GridJob<FetchResult> Upload(string folder, string targetUrl, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (full, _) = UploadFiles.Check(folder, targetUrl);
        options ??= new UploadOptions();
        return Upload(folder, UploadFiles.Enumerate(full, options.Recursive), targetUrl, options, cancellationToken);
    }

    /// <summary>Sends the given files of <paramref name="folder"/> to <paramref name="targetUrl"/>, one streamed request per file with bounded concurrency; enumerate the returned job to get each file's result as it completes.</summary>
    /// <param name="folder">The folder the files are in; it must be on the silo's machine and allowed by its <c>Grid:Fetch:UploadRoots</c> (the embedded silo allows any).</param>
    /// <param name="files">The files' paths relative to <paramref name="folder"/>, with <c>/</c> between folders; read lazily. A path leading outside the folder is that item's error.</param>
    /// <param name="targetUrl">Where each file goes: its relative path replaces <c>{path}</c> in the URL, or is appended after a <c>/</c>.</param>
    /// <param name="options">How the requests are made; <see langword="null"/> for the defaults (PUT). <see cref="UploadOptions.Recursive"/> is not used.</param>
    /// <param name="cancellationToken">Cancels the job: waiting files are dropped and uploads in flight are aborted.</param>
    /// <exception cref="ArgumentException">The folder does not exist, the target is not an http or https URL, or an option is out of range; the message names it.</exception>
    public GridJob<FetchResult> Upload(string folder, IEnumerable<string> files, string targetUrl, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var (full, target) = UploadFiles.Check(folder, targetUrl);
        return CreateFetchJob(FetchJobs.Upload, options ?? new UploadOptions(), settings => settings with { UploadFolder = full, UploadTarget = target }, (session, token) => session.FeedAsync(files, token), cancellationToken);
    }

    /// <summary>Stops the embedded silo (its running jobs end with it); or, for a cluster client, disconnects from the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_host is null)
        {
            return;
        }

        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }

    private GridJob<TOut> CreateJob<TIn, TOut>(
        string kernel,
        MapOptions? options,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        options ??= new MapOptions();
        var spec = SpecOf<TIn, TOut>(kernel, options);
        return StartJob(GetJob(spec), spec, options, feed, cancellationToken);
    }

    // The spec of a kernel job with the caller's options, after checking the kernel's name and the options.
    private static JobSpec SpecOf<TIn, TOut>(string kernel, MapOptions options)
    {
        KernelNames.Validate(kernel, nameof(kernel));
        options.Validate();
        return new JobSpec(Guid.NewGuid(), kernel, typeof(TIn), typeof(TOut))
        {
            ItemTimeout = options.ItemTimeout,
            HardItemTimeout = options.HardItemTimeout,
            JobTimeout = options.JobTimeout,
            Ordered = options.Ordered,
            MaxInFlight = options.MaxInFlight,
            Retry = options.Retry,
            MaxFailures = options.MaxFailures,
        };
    }

    private GridJob<FetchResult> CreateFetchJob<TOptions>(
        string kind,
        TOptions options,
        Func<FetchJobSettings, FetchJobSettings> complete,
        Func<MapSession<string, FetchResult>, CancellationToken, Task> feed,
        CancellationToken cancellationToken)
        where TOptions : HttpJobOptions
    {
        ThrowIfDisposed();
        options.Validate();
        var mapOptions = options.ToMapOptions();
        var spec = new JobSpec(Guid.NewGuid(), kind, typeof(string), typeof(FetchResult))
        {
            JobTimeout = mapOptions.JobTimeout,
            Ordered = mapOptions.Ordered,
            MaxInFlight = mapOptions.MaxInFlight,
            Fetch = complete(options.ToSettings()),
        };

        // The same protocol and session as a map job; only the grain differs.
        return StartJob(GetJob(spec), spec, mapOptions, feed, cancellationToken);
    }

    private GridJob<TOut> StartJob<TIn, TOut>(
        IJobGrain job,
        JobSpec spec,
        MapOptions options,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken cancellationToken)
    {
        // A cluster job outlives its silo: the session starts it again elsewhere with what has no result yet.
        var session = new MapSession<TIn, TOut>(job, spec, options, _time, _silenceTimeout, _silenceTimeout is null ? null : GetJob, _messageBudget);
        return new GridJob<TOut>(spec.JobId, (handle, enumeratorToken) => RunJobAsync(spec, session, handle, feed, cancellationToken, enumeratorToken));
    }

    private async IAsyncEnumerable<ItemResult<TOut>> RunJobAsync<TIn, TOut>(
        JobSpec spec,
        MapSession<TIn, TOut> session,
        GridJob<TOut> handle,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken callToken,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        try
        {
            ThrowIfCannotTravel(spec.Kernel, spec.InputType, spec.OutputType);
        }
        catch (GridException exception)
        {
            handle.SetFailed(exception);
            throw;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumeratorToken);
        await foreach (var item in session.RunAsync(handle, feed, linked.Token).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private async ValueTask CheckKernelAsync(string kernel, Type inputType, Type outputType, CancellationToken cancellationToken)
    {
        KernelNames.Validate(kernel, nameof(kernel));
        if (_kernels is null || !_kernels.ContainsKey(kernel))
        {
            await GetKernelsAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_kernels!.TryGetValue(kernel, out var info))
        {
            throw KernelNames.NotRegistered(kernel, _kernels.Keys);
        }

        info.ThrowIfIncompatible(inputType, outputType);
        ThrowIfCannotTravel(kernel, inputType, outputType);
    }

    // An item type Orleans has no codec for would fail the job's first message to another process: refuse it before the job starts.
    private void ThrowIfCannotTravel(string kernel, Type inputType, Type outputType)
    {
        foreach (var (type, role) in new[] { (inputType, "input"), (outputType, "output") })
        {
            if (_codecs is not null && type != typeof(object) && _codecs.TryGetCodec(type) is null)
            {
                throw new GridException(
                    $"Kernel '{kernel}''s {role} type {type.FullName} cannot travel between this client and the cluster's silos: Orleans has no codec for it. "
                    + "Use a type of your own assembly (those travel as JSON) or one marked [GenerateSerializer].");
            }
        }
    }

    // The grain of the job the spec describes: a map job, or a fetch or upload job of the I/O grain.
    private IJobGrain GetJob(JobSpec spec) => FetchJobs.IsFetchJob(spec.Kernel)
        ? _cluster.GetGrain<IFetchGrain>(spec.JobId)
        : _cluster.GetGrain<IMapJobGrain>(spec.JobId);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
