namespace Grid.Fetch;

/// <summary>The reserved job kinds served by the I/O grain, given as <see cref="Jobs.JobSpec.Kernel"/>.</summary>
public static class FetchJobs
{
    /// <summary>GETs every input URL; the body is returned, saved into a folder or only hashed and counted.</summary>
    public const string Fetch = "fetch";

    /// <summary>Sends every input file (a path relative to the upload folder) to the target URL, one PUT or POST per file.</summary>
    public const string Upload = "upload";

    /// <summary>Gets whether <paramref name="kind"/> names a job of the I/O grain.</summary>
    public static bool IsFetchJob(string? kind) => kind is Fetch or Upload;
}
