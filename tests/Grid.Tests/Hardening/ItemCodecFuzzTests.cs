using System.Text;
using Grid.Cluster.Wire;
using Grid.Fetch;
using Grid.Kernels.Isolation;

namespace Grid.Tests.Hardening;

/// <summary>Guards the decoding of the items and settings that cluster messages carry as JSON: random and mutated JSON of each declared type gives the items or a <see cref="WireFormatException"/> naming the type, deep nesting stops at the depth limit, and an item too large for a message is refused naming the limit.</summary>
public sealed class ItemCodecFuzzTests
{
    private const int Iterations = 1500;

    private static readonly byte[] JsonAlphabet = "[]{}\",:0123456789-.eE truefalsn\\uXYabc"u8.ToArray();

    public static TheoryData<string> Types() => ["long", "string", "record", "array", "validated record", "record with a parsed field"];

    [Theory]
    [MemberData(nameof(Types))]
    public void RandomJson_GivesTheItemsOrAWireFormatError(string name)
    {
        var (type, _) = Declared(name);
        var random = new Random(20261231);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var json = i % 2 == 0 ? FuzzBytes.Random(random, 120) : FuzzBytes.RandomFrom(random, 120, JsonAlphabet);
            Check(json, type, random.Next(0, 4), failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void MutatedItems_GiveTheItemsOrAWireFormatError(string name)
    {
        var (type, sample) = Declared(name);
        var valid = ItemCodec.Encode(sample);
        var random = new Random(20261232 ^ name.Length);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            Check(FuzzBytes.Mutate(random, valid, FuzzBytes.JsonTokens), type, sample.Length, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [InlineData(typeof(FetchJobSettings))]
    [InlineData(typeof(FuzzPoint))]
    [InlineData(typeof(FuzzLink))]
    public void MutatedValues_GiveTheValueOrAWireFormatError(Type type)
    {
        var valid = ItemCodec.EncodeValue(Sample(type), type);
        var random = new Random(20261233);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var json = i % 4 == 0 ? FuzzBytes.RandomFrom(random, 120, JsonAlphabet) : FuzzBytes.Mutate(random, valid, FuzzBytes.JsonTokens);
            try
            {
                var value = ItemCodec.DecodeValue(json, type);
                if (value is not null && value.GetType() != type)
                {
                    failures.Add($"{Encoding.UTF8.GetString(json)}: a {value.GetType().Name}");
                }
            }
            catch (WireFormatException exception) when (exception.Message.Contains(type.FullName!, StringComparison.Ordinal))
            {
                // Refused, naming the type it should have been.
            }
            catch (Exception exception)
            {
                failures.Add($"{Encoding.UTF8.GetString(json)}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [InlineData(typeof(long[]), "[")]
    [InlineData(typeof(FuzzPoint), "{\"Next\":")]
    [InlineData(typeof(string), "[")]
    public void DeepNesting_IsRefusedAtTheDepthLimit(Type elementType, string opening)
    {
        var json = Encoding.UTF8.GetBytes("[" + string.Concat(Enumerable.Repeat(opening, 200_000)));

        var thrown = Assert.Throws<WireFormatException>(() => ItemCodec.Decode(json, elementType, 1));

        Assert.Contains(elementType.FullName!, thrown.Message, StringComparison.Ordinal);
        Assert.Equal(64, ItemJson.Options.MaxDepth);
    }

    [Fact]
    public void RecordNestedPastTheDepthLimit_IsRefusedNamingIt()
    {
        var json = Encoding.UTF8.GetBytes("[" + string.Concat(Enumerable.Repeat("{\"Next\":", 70)));

        var thrown = Assert.Throws<WireFormatException>(() => ItemCodec.Decode(json, typeof(FuzzPoint), 1));

        Assert.Contains("depth", thrown.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("64", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountThatDiffersFromTheArray_IsRefusedSayingBoth()
    {
        var thrown = Assert.Throws<WireFormatException>(() => ItemCodec.Decode("[1,2]"u8, typeof(long), 3));

        Assert.Equal("The message says 3 items, but its JSON array holds 2.", thrown.Message);
    }

    [Fact]
    public void ItemTooLargeForAMessage_IsRefusedNamingTheLimit()
    {
        var id = Guid.NewGuid();
        var push = new PushMessage(id, id, 1, 0, 1, ItemCodec.Encode(new[] { new string('x', 8192) }));

        var thrown = Assert.Throws<GridException>(() => WireMessage.Encode(push, 4096));

        Assert.Contains("more than the cluster's limit of 4096 bytes (Grid:Cluster:MaxMessageBytes)", thrown.Message, StringComparison.Ordinal);
    }

    private static void Check(byte[] json, Type elementType, int count, List<string> failures)
    {
        try
        {
            var items = ItemCodec.Decode(json, elementType, count);
            if (items.Length != count || items.GetType().GetElementType() != elementType)
            {
                failures.Add($"{Encoding.UTF8.GetString(json)}: {items.Length} items of {items.GetType().Name}");
            }
        }
        catch (WireFormatException exception) when (exception.Message.Contains(elementType.FullName!, StringComparison.Ordinal) || exception.Message.StartsWith("The message says ", StringComparison.Ordinal))
        {
            // Refused, naming the type the items should have been or the count they missed.
        }
        catch (Exception exception)
        {
            failures.Add($"{Encoding.UTF8.GetString(json)}: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private static (Type Type, Array Sample) Declared(string name) => name switch
    {
        "long" => (typeof(long), new long[] { 1, -2, long.MaxValue }),
        "string" => (typeof(string), new[] { "a", string.Empty, "\u00e9\u4e2d\ud83d\ude00" }),
        "record" => (typeof(FuzzPoint), new[] { (FuzzPoint)Sample(typeof(FuzzPoint))! }),
        "array" => (typeof(long[]), new[] { new long[] { 1, 2 }, [], [3] }),
        "validated record" => (typeof(FuzzRange), new[] { new FuzzRange(1, 5), new FuzzRange(-3, -3) }),
        _ => (typeof(FuzzLink), new[] { (FuzzLink)Sample(typeof(FuzzLink))! }),
    };

    private static object? Sample(Type type) => type == typeof(FetchJobSettings)
        ? new FetchJobSettings { MaxConcurrency = 8, RequestTimeout = TimeSpan.FromSeconds(3), SaveFolder = "/tmp/x", Body = FetchBodyMode.Hash }
        : type == typeof(FuzzLink)
            ? new FuzzLink("https://example.com/a?b=c")
            : new FuzzPoint(3, -4, "p\u00e9", [0.5, -1e300], new FuzzPoint(0, 0, null, null, null));
}

/// <summary>A record input of the hardening tests, nested through <see cref="Next"/>.</summary>
public sealed record FuzzPoint(int X, int Y, string? Label, double[]? Weights, FuzzPoint? Next);

/// <summary>A record input whose constructor checks its values, as many do.</summary>
public sealed record FuzzRange
{
    public FuzzRange(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        From = from;
        To = to;
    }

    public long From { get; }

    public long To { get; }
}

/// <summary>A record input that parses one of its values when it is made, as records holding a <see cref="Uri"/> or a version do.</summary>
public sealed record FuzzLink(string Url)
{
    public Uri Address { get; } = new(Url, UriKind.Absolute);
}
