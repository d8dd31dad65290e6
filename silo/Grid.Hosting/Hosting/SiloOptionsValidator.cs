using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>Rejects silo settings out of range at start, naming the setting and what it accepts.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{SiloOptions.SectionName}:Name must not be empty.");
        }

        if (options.MaxLocalWorkers is < 1 or > 4096)
        {
            failures.Add($"{SiloOptions.SectionName}:MaxLocalWorkers must be between 1 and 4096; got {options.MaxLocalWorkers}.");
        }

        if (options.IdleTimeout < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{SiloOptions.SectionName}:IdleTimeout must be at least one minute (Orleans' shortest collection age), such as 00:02:00; got {options.IdleTimeout}.");
        }

        if (options.CollectionInterval <= TimeSpan.Zero)
        {
            failures.Add($"{SiloOptions.SectionName}:CollectionInterval must be a positive time span such as 00:00:15; got {options.CollectionInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
