using System.CommandLine;
using Grid.Cli.Parsing;
using Grid.Client;
using Grid.Fetch;

namespace Grid.Cli.Commands;

/// <summary><c>grid fetch</c>: GETs every URL of a file with bounded concurrency, each result printed as it completes.</summary>
internal static class FetchCommand
{
    private const string Name = "fetch";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var file = new Argument<string>("URLS_FILE") { Description = "A file of URLs, one a line; blank lines and lines starting with # are skipped." };
        var output = new Option<string?>("--out")
        {
            Description = "Save each body into this folder (made when missing), one file per URL. Default: bodies are only counted and hashed.",
            HelpName = "DIR",
        };
        var shared = new HttpJobArguments();
        var command = new Command(Name, "GET every URL of URLS_FILE, many at once, printing each result as it completes." + HttpJobArguments.TimeLimitsHelp)
        {
            file,
            output,
        };
        shared.AddTo(command);
        global.RejectKernelLimits(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw UsageException.For(Name, Directory.Exists(path) ? $"'{path}' is a folder, not a file of URLs" : $"URL file '{path}' does not exist");
            }

            var outDir = parseResult.GetValue(output);
            if (outDir is not null && File.Exists(outDir))
            {
                throw UsageException.For(Name, $"--out '{outDir}' is a file, not a folder");
            }

            var settings = global.Read(parseResult);
            var urls = new InputWindow<string>(UrlsFile.Count(path), UrlsFile.Read(path));
            var options = new FetchOptions
            {
                Ordered = settings.Ordered,
                SaveFolder = outDir,
                Body = outDir is null ? FetchBodyMode.Hash : FetchBodyMode.Save,
            };
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            return await HttpJobArguments.RunAsync(
                context,
                settings,
                Name,
                urls.Source,
                progress => client.Fetch(urls.Inputs, shared.Apply(parseResult, settings, options, progress), cancellationToken),
                cancellationToken);
        });
        return command;
    }
}
