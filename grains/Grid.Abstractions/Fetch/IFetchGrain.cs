using Grid.Jobs;

namespace Grid.Fetch;

/// <summary>One fetch or upload job: the I/O grain, which fans out HTTP requests with bounded concurrency and streams each request's result as it completes.</summary>
/// <remarks>
/// It speaks the <see cref="IJobGrain"/> protocol unchanged: the client starts it with a <see cref="JobSpec"/> whose <see cref="JobSpec.Kernel"/>
/// is <see cref="FetchJobs.Fetch"/> or <see cref="FetchJobs.Upload"/> and whose <see cref="JobSpec.Fetch"/> holds the job's settings, pushes
/// <see cref="string"/> items (URLs, or file paths relative to the upload folder) and reads <see cref="FetchResult"/> values back.
/// </remarks>
public interface IFetchGrain : IJobGrain
{
}
