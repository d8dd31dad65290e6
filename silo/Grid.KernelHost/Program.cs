using Grid.Kernels.Isolation;
using Grid.KernelHost;

// A worker process of a silo: the silo writes frames to its standard input and reads frames from its standard output.
// Only the protocol may use the real standard output, so it is moved to a descriptor of its own and standard output
// (Console.Out, and any native code that writes to descriptor 1) then goes to standard error, which the silo logs.
var output = StandardStreams.TakeOutput();
var input = Console.OpenStandardInput();
Console.SetIn(TextReader.Null);
return KernelHost.Run(input, output, Console.Error);
