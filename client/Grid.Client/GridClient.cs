using System.Diagnostics;
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
    private readonly ServiceProvider? _services;
    private readonly Silo? _silo;
    private readonly TimeProvider _time;
    private readonly IWorkerGrain _worker;
    private Dictionary<string, KernelInfo>? _kernels;
    private int _disposed;

    private GridClient(IGrainFactory grainFactory, TimeProvider time, ServiceProvider? services, Silo? silo)
    {
        GrainFactory = grainFactory;
        _time = time;
        _services = services;
        _silo = silo;
        _worker = grainFactory.GetGrain<IWorkerGrain>(0);
    }

    /// <summary>Gets the services of the embedded silo, or <see langword="null"/> when the silo runs elsewhere.</summary>
    internal IServiceProvider? SiloServices => _services;

    /// <summary>Gets the grain factory of the silo this client talks to.</summary>
    public IGrainFactory GrainFactory { get; }

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
            var client = new GridClient(silo.GrainFactory, services.GetRequiredService<TimeProvider>(), services, silo);
            await client.GetKernelsAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Lists the kernels the silo can run, sorted by name.</summary>
    public async Task<IReadOnlyList<KernelInfo>> GetKernelsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var kernels = await GrainFactory.GetGrain<IKernelCatalogGrain>(0).GetKernelsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
        await CheckKernelAsync(kernel, typeof(TIn), typeof(TOut), cancellationToken).ConfigureAwait(false);
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, kernel, new[] { input }) { ItemTimeout = options?.Timeout };
        using var activity = GridDiagnostics.Client.HasListeners()
            ? GridDiagnostics.Client.StartActivity($"grid.submit {kernel}", ActivityKind.Client)
            : null;
        activity?.SetTag(GridTags.Kernel, kernel);

        // Stop waiting as soon as the caller cancels, even while the call still waits for a free worker (it then ends at once).
        var result = await _worker.RunChunkAsync(chunk, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Stops the embedded silo, if this client started one, letting running turns end for up to 10 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync().ConfigureAwait(false);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }
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
            JobTimeout = options.JobTimeout,
            Ordered = options.Ordered,
            MaxInFlight = options.MaxInFlight,
        };
        return StartJob(GrainFactory.GetGrain<IJobGrain>(spec.JobId), spec, options, feed, cancellationToken);
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
        return StartJob(GrainFactory.GetGrain<IFetchGrain>(spec.JobId), spec, mapOptions, feed, cancellationToken);
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

        info.ThrowIfIncompatible(inputType, outputType);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
