using Grid.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the job and still reports what finished; a second one ends the process at once.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await GridApp.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected, cancellation.Token);
