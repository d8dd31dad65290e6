using System.Diagnostics;
using Grid.Client.Cluster;
using Grid.Client.Connections;
using Grid.Cluster;
using Grid.Diagnostics;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grid.Client;

/// <summary>The entry point of the SDK: runs named kernels on a silo and gives back every result as it completes.</summary>
/// <example>
/// <code>
/// await using var grid = await GridClient.StartEmbeddedAsync();
/// await foreach (var result in grid.Map&lt;long, bool&gt;("is-prime", numbers))
/// {
///     Console.WriteLine($"{numbers[(int)result.Index]}: {(result.IsSuccess ? result.Value : result.Error)}");
/// }
/// </code>
/// </example>
public sealed class GridClient : IAsyncDisposable
{
    private readonly IGridConnection _connection;
    private readonly TimeProvider _time;
    private Dictionary<string, KernelInfo>? _kernels;
    private int _disposed;

    private GridClient(IGridConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
    }

    /// <summary>Gets the services of the embedded silo, or <see langword="null"/> when the silo runs elsewhere.</summary>
    internal IServiceProvider? SiloServices => (_connection as EmbeddedConnection)?.Services;

    /// <summary>Gets whether this client reaches a cluster through its broker rather than a silo in its own process.</summary>
    public bool IsCluster => _connection is ClusterConnection;

    /// <summary>Gets the grain factory of the embedded silo this client started.</summary>
    /// <exception cref="InvalidOperationException">The client is connected to a cluster, whose grains are reached only through jobs.</exception>
    public IGrainFactory GrainFactory => (_connection as EmbeddedConnection)?.GrainFactory
        ?? throw new InvalidOperationException("A client connected to a cluster reaches its grains only through jobs (Map, SubmitAsync).");

    /// <summary>Starts a silo inside this process and returns a client connected to it.</summary>
    /// <param name="configure">Adds kernels and changes the silo's options; the built-in kernels are always there.</param>
    /// <param name="cancellationToken">Stops waiting for the silo to start.</param>
    /// <exception cref="OptionsValidationException">A silo setting is out of range; the message names it.</exception>
    public static async Task<GridClient> StartEmbeddedAsync(Action<ISiloBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        // The embedded silo is this process, run by this user: its jobs may use any folder the process can (configure may narrow that).
        var services = new ServiceCollection()
            .Configure<FetchPolicyOptions>(o => o.AllowAnyFolder = true)
            .AddGridSilo(configure)
            .BuildServiceProvider();
        try
        {
            // Check every setting now: an embedded silo has no host to run the start-up validation.
            services.GetService<IStartupValidator>()?.Validate();
            var silo = services.GetRequiredService<Silo>();
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            var client = new GridClient(new EmbeddedConnection(silo, services), services.GetRequiredService<TimeProvider>());
            await client.GetKernelsAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to a cluster of silos through its RabbitMQ broker; the returned client has the same API as an embedded one.</summary>
    /// <param name="connection">The broker's AMQP URI, <c>amqp://user:password@host:5672/vhost</c> (<c>amqps://</c> for TLS); take it from configuration or the environment, not from code.</param>
    /// <param name="options">The cluster's name and timings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops trying to connect.</param>
    /// <exception cref="ArgumentException">The URI or an option is not valid; the message names it.</exception>
    /// <exception cref="GridException">The broker cannot be reached within <see cref="ClusterClientOptions.ConnectTimeout"/>, refused the credentials, or
    /// presented a TLS certificate that is not trusted (see <see cref="ClusterClientOptions.TlsCaFile"/>) or not for its name (see <see cref="ClusterClientOptions.TlsServerName"/>).</exception>
    public static async Task<GridClient> ConnectAsync(string connection, ClusterClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var settings = (options ?? new ClusterClientOptions()).ToClusterOptions(connection);
        var problems = ClusterOptionsValidator.Check(settings).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems.Select(p => p.Replace(ClusterOptions.SectionName + ":", "ClusterClientOptions.", StringComparison.Ordinal))), nameof(options));
        }

        var cluster = await ClusterConnection.ConnectAsync(settings, options?.Logger, cancellationToken).ConfigureAwait(false);
        return new GridClient(cluster, TimeProvider.System);
    }

    /// <summary>Lists the live silos with their worker slots and load: the embedded silo, or every silo of the cluster that sent a heartbeat lately.</summary>
    public Task<IReadOnlyList<SiloStatus>> GetSilosAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _connection.GetSilosAsync(cancellationToken);
    }

    /// <summary>Lists the kernels the silo can run, sorted by name.</summary>
    public async Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var kernels = await _connection.GetKernelsAsync(cancellationToken).ConfigureAwait(false);
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
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, kernel, new[] { input }) { ItemTimeout = options?.Timeout, HardItemTimeout = options?.HardTimeout };
        using var activity = GridDiagnostics.Client.HasListeners()
            ? GridDiagnostics.Client.StartActivity($"grid.submit {kernel}", ActivityKind.Client)
            : null;
        activity?.SetTag(GridTags.Kernel, kernel);

        // Stop waiting as soon as the caller cancels, even while the call still waits for a free worker (it then ends at once).
        var result = await _connection.RunChunkAsync(chunk, typeof(TOut), cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Stops the embedded silo, letting running turns end for up to 10 seconds; or, for a cluster client, cancels its running jobs and disconnects.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private GridJob<TOut> CreateJob<TIn, TOut>(
        string kernel,
        MapOptions? options,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        KernelNames.Validate(kernel, nameof(kernel));
        options ??= new MapOptions();
        options.Validate();
        var spec = new JobSpec(Guid.NewGuid(), kernel, typeof(TIn), typeof(TOut))
        {
            ItemTimeout = options.ItemTimeout,
            HardItemTimeout = options.HardItemTimeout,
            JobTimeout = options.JobTimeout,
            Ordered = options.Ordered,
            MaxInFlight = options.MaxInFlight,
            Retry = options.Retry,
            MaxFailures = options.MaxFailures,
        };
        return StartJob(_connection.GetJob(spec), spec, options, feed, cancellationToken);
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
        return StartJob(_connection.GetJob(spec), spec, mapOptions, feed, cancellationToken);
    }

    private GridJob<TOut> StartJob<TIn, TOut>(
        IJobGrain job,
        JobSpec spec,
        MapOptions options,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken cancellationToken)
    {
        var session = new MapSession<TIn, TOut>(job, spec, options, _time);
        return new GridJob<TOut>(spec.JobId, (handle, enumeratorToken) => RunJobAsync(session, handle, feed, cancellationToken, enumeratorToken));
    }

    private static async IAsyncEnumerable<ItemResult<TOut>> RunJobAsync<TIn, TOut>(
        MapSession<TIn, TOut> session,
        GridJob<TOut> handle,
        Func<MapSession<TIn, TOut>, CancellationToken, Task> feed,
        CancellationToken callToken,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken enumeratorToken)
    {
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

        _connection.CheckTypes(info, inputType, outputType);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
