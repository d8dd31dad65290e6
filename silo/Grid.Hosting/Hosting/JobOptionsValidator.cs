using Grid.Jobs;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>Rejects job settings out of range at start, naming the setting and what it accepts.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var failures = new List<string>();
        if (options.TargetChunkDuration <= TimeSpan.Zero)
        {
            failures.Add($"{JobOptions.SectionName}:TargetChunkDuration must be a positive time span such as 00:00:00.010; got {options.TargetChunkDuration}.");
        }

        if (options.MaxChunkSize < 1)
        {
            failures.Add($"{JobOptions.SectionName}:MaxChunkSize must be at least 1; got {options.MaxChunkSize}.");
        }

        if (options.DefaultMaxInFlight < 1)
        {
            failures.Add($"{JobOptions.SectionName}:DefaultMaxInFlight must be at least 1; got {options.DefaultMaxInFlight}.");
        }

        if (options.ClientTimeout < TimeSpan.FromSeconds(1) || options.ClientTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{JobOptions.SectionName}:ClientTimeout must be between 00:00:01 and 01:00:00; got {options.ClientTimeout}.");
        }

        if (options.ChunksPerWorker is < 1 or > 64)
        {
            failures.Add($"{JobOptions.SectionName}:ChunksPerWorker must be between 1 and 64; got {options.ChunksPerWorker}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
