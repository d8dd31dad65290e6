using System.Text;
using Grid.Kernels.BuiltIn;

namespace Grid.Tests.Kernels;

[Trait("Category", "Fast")]
public sealed class Sha256KernelTests
{
    private readonly Sha256Kernel _kernel = new();

    [Fact]
    public void Execute_Abc_ReturnsKnownVector()
    {
        var hash = _kernel.Execute(Encoding.ASCII.GetBytes("abc"), CancellationToken.None);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
    }

    [Fact]
    public void Execute_EmptyArray_ReturnsHashOfNothing()
    {
        var hash = _kernel.Execute([], CancellationToken.None);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
    }

    [Fact]
    public void Execute_NullInput_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => _kernel.Execute(null!, CancellationToken.None));
    }
}
