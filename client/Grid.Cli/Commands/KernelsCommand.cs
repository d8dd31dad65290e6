using System.CommandLine;
using Grid.Cli.Output;

namespace Grid.Cli.Commands;

/// <summary><c>grid kernels</c>: lists the kernels the embedded silo can run, with their input and output types.</summary>
internal static class KernelsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("kernels", "List the kernels registered on the silo with their input and output types.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = global.Read(parseResult);
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            var kernels = await client.GetKernelsAsync(cancellationToken);
            if (settings.Json)
            {
                foreach (var kernel in kernels)
                {
                    JsonLines.Write(context.Out, writer =>
                    {
                        writer.WriteString("type", "kernel");
                        writer.WriteString("name", kernel.Name);
                        writer.WriteString("input", kernel.InputTypeFullName);
                        writer.WriteString("output", kernel.OutputTypeFullName);
                    });
                }

                return ExitCodes.Ok;
            }

            Tables.Write(
                context,
                ["kernel", "input", "output"],
                kernels.Select(k => (IReadOnlyList<string>)[k.Name, TypeNames.Of(k.InputType, k.InputTypeFullName), TypeNames.Of(k.OutputType, k.OutputTypeFullName)]).ToList(),
                figures: false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
