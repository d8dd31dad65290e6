using Grid.Stored;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grid.Hosting;

/// <summary>Rejects job-store settings out of range at start, naming the setting and what it accepts; the connection string is checked for form, never printed.</summary>
internal sealed class StoredJobOptionsValidator : IValidateOptions<StoredJobOptions>
{
    public ValidateOptionsResult Validate(string? name, StoredJobOptions options)
    {
        var failures = new List<string>();
        const string section = StoredJobOptions.SectionName;
        if (options.HasStore)
        {
            try
            {
                var parsed = new NpgsqlConnectionStringBuilder(options.Store);
                if (string.IsNullOrWhiteSpace(parsed.Host))
                {
                    failures.Add($"{section}:Store must name the PostgreSQL server (Host=...).");
                }
            }
            catch (ArgumentException exception)
            {
                failures.Add($"{section}:Store is not an Npgsql connection string (Host=...;Database=...;Username=...;Password=...): {exception.Message}");
            }
        }

        if (options.Retention < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:Retention must be at least 00:01:00; got {options.Retention}.");
        }

        var leaseInRange = options.Lease >= TimeSpan.FromSeconds(2) && options.Lease <= TimeSpan.FromMinutes(10);
        if (!leaseInRange)
        {
            failures.Add($"{section}:Lease must be between 00:00:02 and 00:10:00; got {options.Lease}.");
        }

        // Against a lease out of range the poll interval is not measured: the one wrong setting is named, not a default with it.
        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || (leaseInRange && options.PollInterval * 2 > options.Lease))
        {
            failures.Add($"{section}:PollInterval must be at least 00:00:00.1 and at most half of Lease ({options.Lease}), so a lease is renewed before it passes; got {options.PollInterval}.");
        }

        if (options.MaxOwnedJobs is < 1 or > 64)
        {
            failures.Add($"{section}:MaxOwnedJobs must be between 1 and 64; got {options.MaxOwnedJobs}.");
        }

        if (options.SubmitTimeout < TimeSpan.FromSeconds(10))
        {
            failures.Add($"{section}:SubmitTimeout must be at least 00:00:10; got {options.SubmitTimeout}.");
        }

        if (options.StoreRetryTime < TimeSpan.FromSeconds(1) || options.StoreRetryTime > TimeSpan.FromHours(1))
        {
            failures.Add($"{section}:StoreRetryTime must be between 00:00:01 and 01:00:00; got {options.StoreRetryTime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
