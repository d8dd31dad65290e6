using System.Net;
using Microsoft.Extensions.Options;

namespace Grid.Fetch;

/// <summary>Rejects fetch policy settings out of range at start, naming the setting and what it accepts.</summary>
internal sealed class FetchPolicyOptionsValidator : IValidateOptions<FetchPolicyOptions>
{
    private const string Section = FetchPolicyOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, FetchPolicyOptions options)
    {
        var failures = new List<string>();
        foreach (var scheme in options.EffectiveSchemes)
        {
            if (!FetchPolicyOptions.SupportedSchemes.Contains(scheme?.ToLowerInvariant()))
            {
                failures.Add($"{Section}:AllowedSchemes may list only http and https; got '{scheme}'.");
            }
        }

        if (options.EffectiveSchemes.Count == 0)
        {
            failures.Add($"{Section}:AllowedSchemes must list http, https or both; it is empty.");
        }

        CheckHosts(options.AllowedHosts, "AllowedHosts", failures);
        CheckHosts(options.DeniedHosts, "DeniedHosts", failures);
        foreach (var network in options.EffectiveDeniedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                failures.Add($"{Section}:DeniedNetworks must list address ranges in CIDR form such as 169.254.0.0/16 or fd00:ec2::254/128; got '{network}'.");
            }
        }

        CheckRoots(options.UploadRoots, "UploadRoots", failures);
        CheckRoots(options.SaveRoots, "SaveRoots", failures);
        if (options.MaxConcurrency is < 1 or > 1_000_000)
        {
            failures.Add($"{Section}:MaxConcurrency must be between 1 and 1000000; got {options.MaxConcurrency}.");
        }

        if (options.MaxBodyBytes < 0)
        {
            failures.Add($"{Section}:MaxBodyBytes must be 0 or more; got {options.MaxBodyBytes}.");
        }

        if (options.MaxUrlLength is < 16 or > 1_048_576)
        {
            failures.Add($"{Section}:MaxUrlLength must be between 16 and 1048576; got {options.MaxUrlLength}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckHosts(string[]? hosts, string setting, List<string> failures)
    {
        foreach (var host in hosts ?? [])
        {
            if (!HostPattern.IsValid(host))
            {
                failures.Add($"{Section}:{setting} must list host names such as api.example.com or wildcards such as *.example.com; got '{host}'.");
            }
        }
    }

    private static void CheckRoots(string[]? roots, string setting, List<string> failures)
    {
        foreach (var root in roots ?? [])
        {
            if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root))
            {
                failures.Add($"{Section}:{setting} must list absolute folder paths; got '{root}'.");
            }
        }
    }
}
