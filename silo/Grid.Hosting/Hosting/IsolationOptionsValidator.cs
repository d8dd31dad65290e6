using Grid.Kernels;
using Grid.Kernels.Isolation;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>Rejects worker process settings out of range at start, naming the setting and what it accepts.</summary>
internal sealed class IsolationOptionsValidator : IValidateOptions<IsolationOptions>
{
    public ValidateOptionsResult Validate(string? name, IsolationOptions options)
    {
        var failures = new List<string>();
        if (options.MemoryLimitMegabytes != 0
            && options.MemoryLimitMegabytes is < KernelOptions.MinMemoryLimitMegabytes or > KernelOptions.MaxMemoryLimitMegabytes)
        {
            failures.Add($"{IsolationOptions.SectionName}:MemoryLimitMegabytes must be 0 (no limit) or between {KernelOptions.MinMemoryLimitMegabytes} and {KernelOptions.MaxMemoryLimitMegabytes}; got {options.MemoryLimitMegabytes}.");
        }

        if (options.MemoryCheckInterval < TimeSpan.FromMilliseconds(1) || options.MemoryCheckInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{IsolationOptions.SectionName}:MemoryCheckInterval must be between 00:00:00.001 and 00:01:00; got {options.MemoryCheckInterval}.");
        }

        if (options.MaxFrameBytes is < 4096 or > 1 << 30)
        {
            failures.Add($"{IsolationOptions.SectionName}:MaxFrameBytes must be between 4096 and 1073741824; got {options.MaxFrameBytes}.");
        }

        if (options.StartTimeout <= TimeSpan.Zero || options.StartTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{IsolationOptions.SectionName}:StartTimeout must be a positive time span of at most 00:10:00; got {options.StartTimeout}.");
        }

        if (options.CancelGrace < TimeSpan.Zero || options.CancelGrace > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{IsolationOptions.SectionName}:CancelGrace must be between 00:00:00 and 00:10:00; got {options.CancelGrace}.");
        }

        if (options.HostPath is { Length: > 0 } path && !File.Exists(path))
        {
            failures.Add($"{IsolationOptions.SectionName}:HostPath must name an existing file (grid-kernel-host.dll or an executable); got '{path}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
