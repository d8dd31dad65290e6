using Grid.Kernels;

namespace Grid.Tests.Workers;

/// <summary>A kernel whose output is far larger than its input: the input repeated <see cref="Times"/> times.</summary>
internal sealed class ExpandKernel : IKernel<string, string>
{
    public const string Name = "expand";

    public const int Times = 50;

    public string Execute(string input, CancellationToken cancellationToken) => string.Concat(Enumerable.Repeat(input, Times));
}
