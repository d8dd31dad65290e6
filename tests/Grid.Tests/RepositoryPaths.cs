namespace Grid.Tests;

/// <summary>Finds the repository the tests were built from, for tests that read its files or run its scripts.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The repository's root folder: the nearest folder above the test assembly holding Grid.sln.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path inside the repository, from its root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Grid.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Grid.sln not found above the test's directory {AppContext.BaseDirectory}.");
    }
}
