using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grid.Cli.Output;
using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Cli.Commands;

/// <summary><c>grid transform</c>: gzips every file of a folder into another folder, with each file's SHA-256 beside it, in parallel.</summary>
internal static class TransformCommand
{
    private const string Name = "transform";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var input = new Argument<string>("IN_DIR") { Description = "The folder whose files are transformed." };
        var output = new Argument<string>("OUT_DIR") { Description = "The folder the NAME.gz and NAME.sha256 files are written to; made when missing." };
        var recursive = new Option<bool>("--recursive")
        {
            Description = "Also transform the files of subfolders, keeping their relative folders under OUT_DIR.",
        };

        var command = new Command(Name, "Gzip every file of IN_DIR into OUT_DIR with its SHA-256 beside it (hidden files are skipped).")
        {
            input,
            output,
            recursive,
        };
        var kernelArguments = new KernelJobArguments();
        kernelArguments.AddTo(command);
        var detach = new DetachArguments();
        detach.AddTo(command, global);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var inDir = parseResult.GetValue(input)!;
            var outDir = parseResult.GetValue(output)!;
            var files = FindFiles(inDir, outDir, parseResult.GetValue(recursive));
            var settings = kernelArguments.Apply(parseResult, global.Read(parseResult));
            var jobOutput = new JobOutput(context, settings);
            var fullOut = Path.GetFullPath(outDir);
            var format = new ItemFormat<FileTransformRequest, FileTransformResult>
            {
                Label = request => Relative(inDir, request.InputPath),
                Line = (request, result) => string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Relative(inDir, request.InputPath)} -> {Path.Combine(outDir, Path.GetRelativePath(fullOut, result.OutputPath))} ({result.InputBytes} -> {result.OutputBytes} bytes)"),
                WriteInput = (writer, request) => writer.WriteStringValue(Relative(inDir, request.InputPath)),
                WriteValue = WriteResult,
            };

            if (files.Count == 0)
            {
                // An empty folder is not a mistake in the command line: a scheduled "transform the drop folder" run
                // that finds nothing has done its job, so this says so and exits 0 without starting a silo.
                context.Error.WriteLine($"grid {Name}: no files in '{inDir}'; nothing to do");
                if (detach.IsDetached(parseResult))
                {
                    return ExitCodes.Ok;
                }

                var empty = new JobSummary(Guid.Empty, BuiltInKernels.FileTransform, JobOutcome.Completed, 0, 0, 0, 0, 0, TimeSpan.Zero, []);
                return jobOutput.Finish(new JobReport(empty, Cancelled: false, TimedOut: false));
            }

            var requests = files.Select(file => new FileTransformRequest(file, Path.Combine(fullOut, Path.GetRelativePath(Path.GetFullPath(inDir), Path.GetDirectoryName(file)!)))).ToList();
            if (detach.IsDetached(parseResult))
            {
                return await DetachArguments.SubmitAsync<FileTransformRequest, FileTransformResult>(context, settings, BuiltInKernels.FileTransform, requests, cancellationToken);
            }

            await using var client = await GridConnector.ConnectAsync(settings, cancellationToken);
            var report = await jobOutput.RunAsync(client, BuiltInKernels.FileTransform, ItemSource<FileTransformRequest>.Of(requests), format, observe: null, cancellationToken);
            return jobOutput.Finish(report);
        });
        return command;
    }

    /// <summary>Writes a value of the kernel as JSON, as results show it.</summary>
    internal static void WriteResult(Utf8JsonWriter writer, FileTransformResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        writer.WriteString("outputPath", result.OutputPath);
        writer.WriteString("hashPath", result.HashPath);
        writer.WriteNumber("inputBytes", result.InputBytes);
        writer.WriteNumber("outputBytes", result.OutputBytes);
        writer.WriteString("sha256", result.Sha256);
        writer.WriteEndObject();
    }

    /// <summary>Lists the files to transform, sorted, or throws a <see cref="UsageException"/> when the folders do not allow the run.</summary>
    /// <remarks>The list is taken before the job starts so that files the job writes are never read back as inputs.</remarks>
    internal static List<string> FindFiles(string inDir, string outDir, bool recursive)
    {
        if (!Directory.Exists(inDir))
        {
            throw UsageException.For(Name, $"input folder '{inDir}' does not exist");
        }

        if (File.Exists(outDir))
        {
            throw UsageException.For(Name, $"output folder '{outDir}' is a file");
        }

        var fullIn = Path.TrimEndingDirectorySeparator(Path.GetFullPath(inDir)) + Path.DirectorySeparatorChar;
        var fullOut = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir)) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (recursive && fullOut.StartsWith(fullIn, comparison))
        {
            throw UsageException.For(Name, $"output folder '{outDir}' is inside input folder '{inDir}'; with --recursive its files would be read as inputs");
        }

        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true };
        var files = Directory.EnumerateFiles(fullIn, "*", options).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string Relative(string inDir, string path) => Path.GetRelativePath(Path.GetFullPath(inDir), path);
}
