using System.Diagnostics;
using Grid.Tests.Cluster;

namespace Grid.Tests.Cli;

/// <summary>Starts the grid command as a process of its own, as a user runs it, with its output redirected and its standard input closed.</summary>
internal static class GridProcess
{
    /// <summary>Gets the full path of the <c>grid.dll</c> the tests run, as its own project builds it.</summary>
    public static string ProgramFile
    {
        get
        {
            // The grid program as its own project builds it (next to the tests it would resolve the test host's dependencies instead).
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var program = RepositoryPaths.Combine("client", "Grid.Cli", "bin", output.Parent!.Name, output.Name, "grid.dll");
            Assert.True(File.Exists(program), $"{program} is missing: build the tests with their project, which builds client/Grid.Cli");
            return program;
        }
    }

    /// <summary>Gets the <c>dotnet</c> host that runs <see cref="ProgramFile"/>: the one running the tests.</summary>
    public static string DotnetHost => Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    /// <summary>Starts <c>grid</c> with <paramref name="arguments"/> and the environment variables in <paramref name="environment"/> (an empty value removes one); it dies with the test host.</summary>
    public static async Task<Process> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var program = ProgramFile;
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            // An empty value removes the variable, so the command does not inherit it from the test run.
            if (value.Length == 0)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = await ChildProcessLauncher.StartAsync(start);
        process.StandardInput.Close();
        return process;
    }
}
