using System.Text.Json;
using Grid.Serialization;

namespace Grid.Tests.Serialization;

/// <summary>The size estimates that keep Grid's messages under the cluster's limit: never below what the item takes, cheap where the type says it all.</summary>
[Trait("Category", "Fast")]
public sealed class PayloadSizeTests
{
    public enum Colour
    {
        Red,
    }

    [Theory]
    [InlineData(typeof(long))]
    [InlineData(typeof(int))]
    [InlineData(typeof(double))]
    [InlineData(typeof(bool))]
    [InlineData(typeof(Colour))]
    [InlineData(typeof(Guid))]
    [InlineData(typeof(DateTimeOffset))]
    [InlineData(typeof(decimal))]
    [InlineData(typeof(long?))]
    public void FixedSizeOf_NumbersEnumsGuidsAndTimes_IsFixedAndAtLeastTheirBytes(Type type)
    {
        var size = PayloadSize.FixedSizeOf(type);

        Assert.NotNull(size);
        Assert.True(size >= 16, $"{type.Name}: {size}");
    }

    [Theory]
    [InlineData(typeof(string))]
    [InlineData(typeof(byte[]))]
    [InlineData(typeof(Point))]
    [InlineData(typeof(object))]
    public void FixedSizeOf_TypesWhoseValuesDiffer_IsNull(Type type) => Assert.Null(PayloadSize.FixedSizeOf(type));

    [Fact]
    public void Of_String_CountsThreeBytesACharacter()
    {
        Assert.True(PayloadSize.Of(new string('é', 1000)) >= System.Text.Encoding.UTF8.GetByteCount(new string('é', 1000)));
        Assert.True(PayloadSize.Of(new string('語', 1000)) >= System.Text.Encoding.UTF8.GetByteCount(new string('語', 1000)));
    }

    [Fact]
    public void Of_ByteArray_IsAtLeastItsLength() => Assert.True(PayloadSize.Of(new byte[123_456]) >= 123_456);

    [Fact]
    public void Of_ArrayOfNumbers_GrowsWithItsLength() => Assert.True(PayloadSize.Of(new long[10_000]) >= 80_000);

    [Fact]
    public void Of_UserRecord_IsAtLeastItsJson()
    {
        var point = new Point(12345, "a label of some length", [1.5, 2.5, 3.5]);

        Assert.True(PayloadSize.Of(point) >= JsonSerializer.SerializeToUtf8Bytes(point).Length);
    }

    [Fact]
    public void Of_UserRecordLargerThanTheMeasuringBuffer_IsAtLeastItsJson()
    {
        var point = new Point(1, new string('z', 100_000), new double[5_000]);

        Assert.True(PayloadSize.Of(point) >= JsonSerializer.SerializeToUtf8Bytes(point).Length);
    }

    [Fact]
    public void SizesOf_FixedSizeItems_IsNull() => Assert.Null(PayloadSize.SizesOf(new long[] { 1, 2, 3 }));

    [Fact]
    public void SizesOf_Strings_IsEachItemsEstimate()
    {
        string[] items = ["a", new string('b', 500), ""];

        Assert.Equal(items.Select(PayloadSize.Of), PayloadSize.SizesOf(items)!);
    }

    [Theory]
    [InlineData(PayloadSize.DefaultMessageLimit, PayloadSize.DefaultMessageLimit / 8)]
    [InlineData(4096, 1024)]
    public void BudgetOf_MessageLimit_IsAnEighthAndAtLeastOneKibibyte(int limit, int budget) => Assert.Equal(budget, PayloadSize.BudgetOf(limit));

    public sealed record Point(int Id, string Label, double[] Values);
}
