using System.CommandLine;
using System.Globalization;
using Grid.Cli.Output;
using Grid.Cli.Parsing;
using Grid.Kernels;

namespace Grid.Cli.Commands;

/// <summary><c>grid primes</c>: tests numbers for primality with the is-prime kernel and prints each verdict as it arrives.</summary>
internal static class PrimesCommand
{
    private const string Name = "primes";

    private static readonly ItemFormat<long, bool> Format = new()
    {
        Label = n => n.ToString(CultureInfo.InvariantCulture),
        Line = (n, prime) => string.Create(CultureInfo.InvariantCulture, $"{n} {Verdict(prime)}"),
        WriteInput = (writer, n) => writer.WriteNumberValue(n),
        WriteValue = (writer, prime) => writer.WriteBooleanValue(prime),
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var numbers = new Argument<long[]>("NUMBERS")
        {
            Description = "Whole numbers to test.",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = ValueParsers.WholeNumbers,
        };
        var file = new Option<string?>("--file")
        {
            Description = "Read the numbers from a file, one a line; blank lines and lines starting with # are skipped.",
            HelpName = "PATH",
        };
        var from = new Option<long?>("--from")
        {
            Description = "Test the range starting at this number (with --count).",
            HelpName = "N",
            CustomParser = ValueParsers.Whole("--from"),
        };
        var count = new Option<long?>("--count")
        {
            Description = "How many consecutive numbers to test from --from.",
            HelpName = "N",
            CustomParser = ValueParsers.Positive("--count"),
        };

        var command = new Command(Name, "Test whole numbers for primality; each verdict is printed as soon as it is known.")
        {
            numbers,
            file,
            from,
            count,
        };
        var kernelArguments = new KernelJobArguments();
        kernelArguments.AddTo(command);
        var detach = new DetachArguments();
        detach.AddTo(command, global);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var inputs = await ReadInputsAsync(
                parseResult.GetValue(numbers) ?? [],
                parseResult.GetValue(file),
                parseResult.GetValue(from),
                parseResult.GetValue(count),
                cancellationToken);
            var settings = kernelArguments.Apply(parseResult, global.Read(parseResult));
            if (detach.IsDetached(parseResult))
            {
                return await DetachArguments.SubmitAsync<long, bool>(context, settings, BuiltInKernels.IsPrime, inputs.Enumerate(), cancellationToken);
            }

            var output = new JobOutput(context, settings);
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            var report = await output.RunAsync(client, BuiltInKernels.IsPrime, inputs, Format, observe: null, cancellationToken);
            return output.Finish(report);
        });
        return command;
    }

    /// <summary>Gets the words of a verdict: <c>is prime</c> or <c>is not prime</c>.</summary>
    internal static string Verdict(bool prime) => prime ? "is prime" : "is not prime";

    /// <summary>Gets the numbers to test from exactly one of the three sources, or throws a <see cref="UsageException"/>.</summary>
    internal static async Task<ItemSource<long>> ReadInputsAsync(long[] numbers, string? file, long? from, long? count, CancellationToken cancellationToken)
    {
        var sources = (numbers.Length > 0 ? 1 : 0) + (file is not null ? 1 : 0) + (from is not null || count is not null ? 1 : 0);
        if (sources == 0)
        {
            throw UsageException.For(Name, "no numbers given; pass numbers, --file or --from/--count");
        }

        if (sources > 1)
        {
            throw UsageException.For(Name, "give numbers, --file or --from/--count, not more than one of them");
        }

        if (numbers.Length > 0)
        {
            return ItemSource<long>.Of(numbers);
        }

        if (file is not null)
        {
            return ItemSource<long>.Of(await NumbersFile.ReadAsync(file, cancellationToken));
        }

        if (from is not { } start || count is not { } n)
        {
            throw UsageException.For(Name, "--from and --count go together");
        }

        if (start > long.MaxValue - (n - 1))
        {
            throw UsageException.For(Name, $"--from {start} --count {n} goes past the largest whole number, {long.MaxValue}");
        }

        return new ItemSource<long>(n, i => start + i);
    }
}
