using System.Diagnostics;
using System.Runtime.InteropServices;
using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Isolation;

// Kernels for the isolation tests. Those run in worker processes are public [Kernel] classes: the worker process loads them
// by name from this assembly's file.

/// <summary>Doubles its input; a negative input spins for ever without looking at its token.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process, HardTimeoutSeconds = 600)]
public sealed class IsolatedSpinKernel : IKernel<long, long>
{
    public const string Name = "iso-spin";

    public long Execute(long input, CancellationToken cancellationToken)
    {
        while (input < 0)
        {
            Thread.SpinWait(1000);
        }

        return input * 2;
    }
}

/// <summary>Writes the id of its process into the file its input names, then blocks for ever without looking at its token (as a kernel
/// stuck in a native call does); once the token is signalled, its process writes its id into that name plus <see cref="TokenSeenSuffix"/>
/// too, and blocks on.</summary>
/// <remarks>It blocks rather than spins, so the seconds until its process is killed take no CPU from the tests running alongside.</remarks>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class AnnouncedStuckKernel : IKernel<string, long>
{
    public const string Name = "iso-stuck-announced";

    public const string TokenSeenSuffix = ".token";

    public long Execute(string input, CancellationToken cancellationToken)
    {
        AnnouncedProcess.Write(input);
        using var seen = cancellationToken.Register(() => AnnouncedProcess.Write(input + TokenSeenSuffix));
        // Ignores its token for good: nothing sets this event, so only the kill of its worker process ends the call.
        using var never = new ManualResetEventSlim();
        never.Wait();
        throw new UnreachableException();
    }
}

/// <summary>Returns the id of the process it runs in.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class ProcessIdKernel : IKernel<long, int>
{
    public const string Name = "iso-pid";

    public int Execute(long input, CancellationToken cancellationToken) => Environment.ProcessId;
}

/// <summary>Returns its input, except 13, on which it ends its process with <see cref="Environment.FailFast(string)"/>.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class FailFastKernel : IKernel<long, long>
{
    public const string Name = "iso-failfast";
    public const string Message = "iso-failfast was asked to crash";

    public long Execute(long input, CancellationToken cancellationToken)
    {
        if (input == 13)
        {
            Environment.FailFast(Message);
        }

        return input;
    }
}

/// <summary>Counts its runs for one item in the file the item names, and crashes its process on the first run of each item; returns the run that succeeded.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class CrashOnceKernel : IKernel<string, int>
{
    public const string Name = "iso-crash-once";

    public int Execute(string input, CancellationToken cancellationToken)
    {
        File.AppendAllText(input, "run\n");
        var run = File.ReadAllLines(input).Length;
        if (run == 1)
        {
            Environment.FailFast($"iso-crash-once crashes the first run of {input}");
        }

        return run;
    }
}

/// <summary>Returns its input, except 7, on which it recurses until its stack overflows.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class StackOverflowKernel : IKernel<long, long>
{
    public const string Name = "iso-overflow";

    public long Execute(long input, CancellationToken cancellationToken) => input == 7 ? Recurse(input) : input;

    private static long Recurse(long depth) => Recurse(depth + 1) + 1;
}

/// <summary>Allocates and touches the megabytes it is given (managed or native), then returns them; past 100 MB it keeps them for ever, so only a kill ends it.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process, MemoryLimitMegabytes = 200)]
public sealed class MemoryKernel : IKernel<MemoryRequest, int>
{
    public const string Name = "iso-memory";

    public int Execute(MemoryRequest input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = (long)input.Megabytes << 20;
        if (input.Native)
        {
            var block = Marshal.AllocHGlobal((nint)bytes);
            for (long offset = 0; offset < bytes; offset += 4096)
            {
                Marshal.WriteByte(block, (int)offset, 1);
            }

            Hold(input.Megabytes);
            Marshal.FreeHGlobal(block);
        }
        else
        {
            var block = new byte[bytes];
            for (long offset = 0; offset < bytes; offset += 4096)
            {
                block[offset] = 1;
            }

            Hold(input.Megabytes);
            GC.KeepAlive(block);
        }

        return input.Megabytes;
    }

    private static void Hold(int megabytes)
    {
        if (megabytes > 100)
        {
            // Holds the memory until the silo kills the process at its limit: nothing ever sets this event.
            using var never = new ManualResetEventSlim();
            never.Wait();
        }
    }
}

/// <summary>How much memory <see cref="MemoryKernel"/> takes, and of which kind.</summary>
public sealed record MemoryRequest(int Megabytes, bool Native);

/// <summary>Doubles its input in the silo's process; a negative input blocks, deaf to its token, until the test releases it, as a kernel
/// stuck in a native call does.</summary>
/// <remarks>It blocks rather than spins, so the calls a test abandons take no CPU from the items that follow them.</remarks>
internal sealed class InProcessStuckKernel : IKernel<long, long>
{
    public const string Name = "inproc-stuck";

    private readonly ManualResetEventSlim _release = new(false);

    /// <summary>Gets the calls that have started blocking; none of them returns before <see cref="Release"/>.</summary>
    public Counter Stuck { get; } = new();

    /// <summary>Lets every blocked call return, so an abandoned thread does not outlive its test.</summary>
    public void Release() => _release.Set();

    public long Execute(long input, CancellationToken cancellationToken)
    {
        if (input < 0)
        {
            Stuck.Increment();
            _release.Wait();
        }

        return input * 2;
    }
}

/// <summary>Returns the name and managed id of the thread it runs on, <c>NAME#ID</c>, in the silo's process; <c>pool#ID</c> on a thread-pool thread.</summary>
internal sealed class ThreadKernel : IKernel<long, string>
{
    public const string Name = "inproc-thread";

    public string Execute(long input, CancellationToken cancellationToken)
    {
        var thread = Thread.CurrentThread;
        return $"{(thread.IsThreadPoolThread ? "pool" : thread.Name)}#{thread.ManagedThreadId}";
    }
}

/// <summary>Prints to standard output (which in a worker process goes to standard error, never into the protocol), then returns its input.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class PrintingKernel : IKernel<long, long>
{
    public const string Name = "iso-print";

    public long Execute(long input, CancellationToken cancellationToken)
    {
        Console.WriteLine($"item {input}: some output that is not a frame \u0001\u0002\u0003");
        Console.Out.Flush();
        return input;
    }
}

/// <summary>Waits on its token when its input is negative (so only a time limit or a cancellation ends it); returns its process id otherwise.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class TokenWaitKernel : IKernel<long, int>
{
    public const string Name = "iso-wait";

    public int Execute(long input, CancellationToken cancellationToken)
    {
        if (input < 0)
        {
            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Environment.ProcessId;
    }
}

/// <summary>Given a file name, writes the id of its process into it, then waits on its token (so only a time limit or a cancellation ends
/// it); given an empty input, returns its process id.</summary>
[Kernel(Name, Isolation = KernelIsolation.Process)]
public sealed class AnnouncedTokenWaitKernel : IKernel<string, int>
{
    public const string Name = "iso-wait-announced";

    public int Execute(string input, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(input))
        {
            AnnouncedProcess.Write(input);
            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return Environment.ProcessId;
    }
}
