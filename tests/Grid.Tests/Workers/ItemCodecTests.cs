using System.Drawing;
using Grid.Client;
using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Workers;

/// <summary>A kernel whose item types Orleans cannot carry between processes is refused before its job starts, naming the type, instead of failing on the job's first message.</summary>
[Collection(InProcessClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class ItemCodecTests
{
    [Fact]
    public async Task MapAndSubmit_InputTypeWithoutACodec_AreRefusedBeforeTheJobStartsNamingTheType()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(1, grid: g => g.AddKernel(PointKernel.Name, new PointKernel()).AddKernel(MakePointKernel.Name, new MakePointKernel()));

        var map = cluster.Client.Map<Point, long>(PointKernel.Name, [new Point(1, 2)]);
        var mapRefused = await Assert.ThrowsAsync<GridException>(() => map.ReadAllAsync());
        var submitRefused = await Assert.ThrowsAsync<GridException>(() => cluster.Client.SubmitAsync<Point, long>(PointKernel.Name, new Point(1, 2)));
        var outputRefused = await Assert.ThrowsAsync<GridException>(() => cluster.Client.Map<long, Point>(MakePointKernel.Name, [1L]).ReadAllAsync());

        Assert.Contains("input type System.Drawing.Point cannot travel", mapRefused.Message, StringComparison.Ordinal);
        Assert.Equal(mapRefused.Message, submitRefused.Message);
        Assert.Contains("output type System.Drawing.Point cannot travel", outputRefused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ItemTypesOfTheUsersOwnAssembly_TravelAsJson()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(1, grid: g => g.AddKernel(AreaKernel.Name, new AreaKernel()));

        var results = await cluster.Client.Map<Box, long>(AreaKernel.Name, [new Box(2, 3), new Box(4, 5)], new MapOptions { Ordered = true }).ReadAllAsync();

        Assert.Equal([6L, 20L], results.Select(r => r.Value));
    }

    private sealed class PointKernel : IKernel<Point, long>
    {
        public const string Name = "point-sum";

        public long Execute(Point input, CancellationToken cancellationToken) => input.X + input.Y;
    }

    private sealed class MakePointKernel : IKernel<long, Point>
    {
        public const string Name = "make-point";

        public Point Execute(long input, CancellationToken cancellationToken) => new((int)input, (int)input);
    }

    private sealed class AreaKernel : IKernel<Box, long>
    {
        public const string Name = "area";

        public long Execute(Box input, CancellationToken cancellationToken) => input.Width * input.Height;
    }
}

/// <summary>An item type of the tests' own assembly: it travels as JSON.</summary>
public sealed record Box(long Width, long Height);
