namespace Grid.Benchmarks;

/// <summary>Finds the repository the benchmark runs from, for scenarios that run its scripts or write its results files.</summary>
internal static class RepositoryRoot
{
    /// <summary>Returns the nearest folder holding Grid.sln above the current folder or the program's, else the current folder.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
