using System.CommandLine;
using Grid.Client;
using Grid.Fetch;

namespace Grid.Cli.Commands;

/// <summary><c>grid upload</c>: sends every file of a folder to an HTTP endpoint, one streamed PUT or POST per file, many at once.</summary>
internal static class UploadCommand
{
    private const string Name = "upload";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var folder = new Argument<string>("DIR") { Description = "The folder whose files are sent, subfolders included." };
        var target = new Argument<string>("URL") { Description = "Where each file goes: its relative path replaces {path}, or is appended after a /." };
        var method = new Option<UploadMethod?>("--method")
        {
            Description = "PUT (the default) or POST.",
            HelpName = "PUT|POST",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                switch (text.ToUpperInvariant())
                {
                    case "PUT": return UploadMethod.Put;
                    case "POST": return UploadMethod.Post;
                    default:
                        result.AddError($"--method must be PUT or POST; got '{text}'");
                        return null;
                }
            },
        };
        var topLevel = new Option<bool>("--top-level") { Description = "Send only the folder's own files, not those of its subfolders." };
        var shared = new HttpJobArguments();
        var command = new Command(Name, "Send every file of DIR to URL, one streamed request per file, many at once." + HttpJobArguments.TimeLimitsHelp)
        {
            folder,
            target,
            method,
            topLevel,
        };
        shared.AddTo(command);
        global.RejectKernelLimits(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var dir = parseResult.GetValue(folder)!;
            var url = parseResult.GetValue(target)!;
            if (!Directory.Exists(dir))
            {
                throw UsageException.For(Name, $"folder '{dir}' does not exist");
            }

            if (!Uri.TryCreate(url.Replace("{path}", "x", StringComparison.Ordinal), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                throw UsageException.For(Name, $"URL '{url}' is not an absolute http or https URL");
            }

            var settings = global.Read(parseResult);
            var recursive = !parseResult.GetValue(topLevel);
            var full = Path.GetFullPath(dir);
            var files = new InputWindow<string>(UploadFiles.Enumerate(full, recursive).LongCount(), UploadFiles.Enumerate(full, recursive));
            var options = new UploadOptions { Method = parseResult.GetValue(method) ?? UploadMethod.Put, Recursive = recursive };
            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            return await HttpJobArguments.RunAsync(
                context,
                settings,
                Name,
                files.Source,
                progress => client.Upload(full, files.Inputs, url, shared.Apply(parseResult, settings, options, progress), cancellationToken),
                cancellationToken);
        });
        return command;
    }
}
