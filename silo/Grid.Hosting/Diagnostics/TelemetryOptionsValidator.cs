using Microsoft.Extensions.Options;

namespace Grid.Hosting.Diagnostics;

/// <summary>Rejects telemetry settings out of range at start, naming the setting and what it accepts.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.OtlpProtocol is { } protocol
            && !string.Equals(protocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(protocol, "Grpc", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{TelemetryOptions.SectionName}:OtlpProtocol must be HttpProtobuf or Grpc; got '{protocol}'.");
        }

        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add($"{TelemetryOptions.SectionName}:OtlpEndpoint must be an absolute http or https address such as http://127.0.0.1:4318; got '{endpoint}'.");
        }

        if (options.MaxQueuedSpans is < 1 or > 1_000_000)
        {
            failures.Add($"{TelemetryOptions.SectionName}:MaxQueuedSpans must be between 1 and 1000000; got {options.MaxQueuedSpans}.");
        }

        if (options.ExportTimeout <= TimeSpan.Zero || options.ExportTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{TelemetryOptions.SectionName}:ExportTimeout must be a positive time span of at most 00:10:00; got {options.ExportTimeout}.");
        }

        if (options.MetricInterval < TimeSpan.FromMilliseconds(100) || options.MetricInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{TelemetryOptions.SectionName}:MetricInterval must be between 00:00:00.100 and 01:00:00; got {options.MetricInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
