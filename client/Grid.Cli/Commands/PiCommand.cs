using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grid.Cli.Output;
using Grid.Cli.Parsing;
using Grid.Kernels;

namespace Grid.Cli.Commands;

/// <summary><c>grid pi</c>: estimates pi by Monte Carlo, split into seeded items of <c>--chunk</c> samples that run in parallel.</summary>
internal static class PiCommand
{
    /// <summary>The samples of one item when <c>--chunk</c> is not given.</summary>
    public const long DefaultChunk = 1_000_000;

    /// <summary>The seed of the first item when <c>--seed</c> is not given.</summary>
    public const long DefaultSeed = 1;

    private static readonly ItemFormat<PiSample, PiEstimate> Format = new()
    {
        // A run has many items and only their sum matters, so successes print nothing; failures still get a line each.
        Label = sample => string.Create(CultureInfo.InvariantCulture, $"seed {sample.Seed}"),
        WriteInput = (writer, sample) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("seed", sample.Seed);
            writer.WriteNumber("samples", sample.Samples);
            writer.WriteEndObject();
        },
        WriteValue = WriteEstimate,
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var samples = new Option<long?>("--samples")
        {
            Description = "The number of random points to throw in all.",
            HelpName = "N",
            Required = true,
            CustomParser = ValueParsers.Positive("--samples"),
        };
        var chunk = new Option<long?>("--chunk")
        {
            Description = "The points of one item; the last item takes the rest. Default: 1000000.",
            HelpName = "N",
            CustomParser = ValueParsers.Positive("--chunk"),
        };
        var seed = new Option<long?>("--seed")
        {
            Description = "The seed of the first item; item i uses seed + i, so a run is reproducible. Default: 1.",
            HelpName = "S",
            CustomParser = ValueParsers.Whole("--seed"),
        };

        var command = new Command("pi", "Estimate pi by Monte Carlo: the samples are split into seeded items that run in parallel, then added up.")
        {
            samples,
            chunk,
            seed,
        };
        var kernelArguments = new KernelJobArguments();
        kernelArguments.AddTo(command);
        var detach = new DetachArguments();
        detach.AddTo(command, global);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var inputs = Split(parseResult.GetValue(samples)!.Value, parseResult.GetValue(chunk) ?? DefaultChunk, parseResult.GetValue(seed) ?? DefaultSeed);
            var settings = kernelArguments.Apply(parseResult, global.Read(parseResult));
            if (detach.IsDetached(parseResult))
            {
                return await DetachArguments.SubmitAsync<PiSample, PiEstimate>(context, settings, BuiltInKernels.MonteCarloPi, inputs.Enumerate(), cancellationToken);
            }

            var output = new JobOutput(context, settings);
            var total = new PiEstimate(0, 0);
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            var report = await output.RunAsync(
                client,
                BuiltInKernels.MonteCarloPi,
                inputs,
                Format,
                result =>
                {
                    if (result.IsSuccess)
                    {
                        total += result.Value!;
                    }
                },
                cancellationToken);

            return output.Finish(report, ShowEstimate(context, settings.Json, total, inputs.Count, report));
        });
        return command;
    }

    /// <summary>Writes a value of the kernel as JSON, as results show it.</summary>
    internal static void WriteEstimate(Utf8JsonWriter writer, PiEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(estimate);
        writer.WriteStartObject();
        writer.WriteNumber("hits", estimate.Hits);
        writer.WriteNumber("samples", estimate.Samples);
        writer.WriteEndObject();
    }

    /// <summary>Writes the estimate of <paramref name="total"/>, the sum of a job's values, in text output, and returns the writer of its part of the JSON summary; with no samples, nothing.</summary>
    internal static Action<Utf8JsonWriter> ShowEstimate(CliContext context, bool json, PiEstimate total, long items, JobReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(report);
        var rate = report.Summary is { WallTime.TotalSeconds: > 0 } summary ? total.Samples / summary.WallTime.TotalSeconds : 0;
        if (!json && total.Samples > 0)
        {
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"estimate: {total.Pi:0.00000000} ({total.Samples} samples in {items} items)"));
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error vs Math.PI: {total.Pi - Math.PI:+0.000E+00;-0.000E+00;0}"));
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samples/s: {rate:0}"));
        }

        return writer =>
        {
            if (total.Samples > 0)
            {
                writer.WriteStartObject("estimate");
                writer.WriteNumber("pi", total.Pi);
                writer.WriteNumber("error", total.Pi - Math.PI);
                writer.WriteNumber("hits", total.Hits);
                writer.WriteNumber("samples", total.Samples);
                writer.WriteNumber("samplesPerSecond", rate);
                writer.WriteEndObject();
            }
        };
    }

    /// <summary>Splits <paramref name="samples"/> into items of <paramref name="chunk"/> samples, the last one smaller, seeded <paramref name="seed"/> + index.</summary>
    internal static ItemSource<PiSample> Split(long samples, long chunk, long seed)
    {
        var count = (samples / chunk) + (samples % chunk == 0 ? 0 : 1);
        return new ItemSource<PiSample>(count, i => new PiSample(unchecked(seed + i), Math.Min(chunk, samples - (i * chunk))));
    }
}
