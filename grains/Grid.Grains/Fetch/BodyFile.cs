namespace Grid.Fetch;

/// <summary>Writes one fetched body into the save folder atomically: into a hidden temporary file first, renamed over the final name only once the whole body is in.</summary>
/// <remarks>A body that fails half-way (cap, time limit, broken connection) leaves no file behind, and a reader never sees a half-written one.</remarks>
internal sealed class BodyFile : IAsyncDisposable
{
    private readonly string _finalPath;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private bool _committed;

    private BodyFile(string finalPath, string tempPath, FileStream stream)
    {
        _finalPath = finalPath;
        _tempPath = tempPath;
        _stream = stream;
    }

    /// <summary>Starts the file <paramref name="name"/> (made by <see cref="SafeFileName"/>) in <paramref name="folder"/>.</summary>
    public static BodyFile Create(string folder, string name)
    {
        var finalPath = Path.Combine(folder, name);

        // The name is made of safe characters only; this check keeps that promise even if the naming ever changes. A NUL is refused
        // first: no file name holds one, and Path.GetFullPath would throw instead of the item failing.
        if (name.Contains('\0', StringComparison.Ordinal) || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(finalPath)), Path.TrimEndingDirectorySeparator(folder), StringComparison.Ordinal))
        {
            throw new FetchFailure(FetchReasons.SaveFailed, $"The file name '{name}' would leave the save folder.", transient: false);
        }

        var tempPath = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.part");
        try
        {
            return new BodyFile(finalPath, tempPath, new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FetchFailure(FetchReasons.SaveFailed, $"Cannot write into {folder}: {e.Message}", transient: false, cause: e);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new FetchFailure(FetchReasons.SaveFailed, $"Writing {_finalPath} failed: {e.Message}", transient: false, cause: e);
        }
    }

    /// <summary>Closes the file and moves it to its final name; returns the final path.</summary>
    public async ValueTask<string> CommitAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            File.Move(_tempPath, _finalPath, overwrite: true);
            _committed = true;
            return _finalPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FetchFailure(FetchReasons.SaveFailed, $"Saving {_finalPath} failed: {e.Message}", transient: false, cause: e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed)
        {
            try
            {
                File.Delete(_tempPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The half-written file is hidden and named .part; nothing reads it.
            }
        }
    }
}
