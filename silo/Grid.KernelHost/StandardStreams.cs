using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Grid.KernelHost;

/// <summary>Gives the protocol the process's standard output and sends everything else written there to standard error.</summary>
internal static partial class StandardStreams
{
    /// <summary>Returns a stream on the original standard output and points descriptor 1 (and <see cref="Console.Out"/>) at standard error.</summary>
    public static Stream TakeOutput()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            var protocol = Dup(1);
            if (protocol >= 0 && Dup2(2, 1) >= 0)
            {
                Console.SetOut(Console.Error);
                return new FileStream(new SafeFileHandle(protocol, ownsHandle: true), FileAccess.Write, bufferSize: 0);
            }
        }

        var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        return output;
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int descriptor);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int descriptor, int target);
}
