using System.Text;

namespace Grid.Tests.Hardening;

/// <summary>Makes the inputs of the hardening tests from a seeded <see cref="Random"/>: random bytes, and valid inputs with a few mutations each.</summary>
internal static class FuzzBytes
{
    /// <summary>Byte runs that trip text decoders: NULs, invalid and overlong UTF-8, lone surrogates, byte order marks, line ends of every kind, odd whitespace, signs and long digit runs.</summary>
    public static readonly byte[][] TextTokens =
    [
        [0],
        [0, 0, 0],
        [0xFF],
        [0xC3, 0x28],
        [0xC0, 0xAF],
        [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80],
        [0xE2, 0x82],
        [0xEF, 0xBB, 0xBF],
        [0xFF, 0xFE],
        [0xFE, 0xFF],
        "\r"u8.ToArray(),
        "\r\n"u8.ToArray(),
        "\n"u8.ToArray(),
        "\n\r"u8.ToArray(),
        " "u8.ToArray(),
        "\t"u8.ToArray(),
        "\v\f"u8.ToArray(),
        "\u00A0"u8.ToArray(),
        "\u3000"u8.ToArray(),
        "\u2028"u8.ToArray(),
        "\u0085"u8.ToArray(),
        "\u200B"u8.ToArray(),
        "+"u8.ToArray(),
        "-"u8.ToArray(),
        "--"u8.ToArray(),
        "#"u8.ToArray(),
        "9223372036854775808"u8.ToArray(),
        "-9223372036854775809"u8.ToArray(),
        "123456789012345678901234567890"u8.ToArray(),
        "0x1F"u8.ToArray(),
        "1e9"u8.ToArray(),
        "1,000"u8.ToArray(),
        "\u0663\u0664"u8.ToArray(),
        "\uFF11"u8.ToArray(),
    ];

    /// <summary>Byte runs that trip JSON readers: structure out of place, number edge cases, bad escapes, comments and deep nesting.</summary>
    public static readonly byte[][] JsonTokens =
    [
        "["u8.ToArray(),
        "]"u8.ToArray(),
        "{"u8.ToArray(),
        "}"u8.ToArray(),
        "\""u8.ToArray(),
        ","u8.ToArray(),
        ":"u8.ToArray(),
        "null"u8.ToArray(),
        "true"u8.ToArray(),
        "1e400"u8.ToArray(),
        "-0"u8.ToArray(),
        "0.1e-400"u8.ToArray(),
        "9223372036854775808"u8.ToArray(),
        "-9223372036854775809"u8.ToArray(),
        "NaN"u8.ToArray(),
        "\"NaN\""u8.ToArray(),
        "\"\\u0000\""u8.ToArray(),
        "\"\\ud800\""u8.ToArray(),
        "\"\\uZZZZ\""u8.ToArray(),
        "/*c*/"u8.ToArray(),
        "\"$type\":\"System.Object\","u8.ToArray(),
        "\"$id\":\"1\","u8.ToArray(),
        "\"$ref\":\"1\""u8.ToArray(),
        "{\"X\":1,\"X\":2}"u8.ToArray(),
        Encoding.ASCII.GetBytes(new string('[', 200)),
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"Next\":", 100))),
        [0xFF],
        [0xC3, 0x28],
        [0],
    ];

    /// <summary>Returns between 0 and <paramref name="maxLength"/> random bytes.</summary>
    public static byte[] Random(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Returns random bytes drawn from <paramref name="alphabet"/>, so that they look more like the format than uniform bytes do.</summary>
    public static byte[] RandomFrom(Random random, int maxLength, ReadOnlySpan<byte> alphabet)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = alphabet[random.Next(alphabet.Length)];
        }

        return bytes;
    }

    /// <summary>Returns <paramref name="valid"/> with one to three mutations: bit flips, set bytes, cuts, deletions, duplications, swaps, inserted <paramref name="tokens"/>, or every line feed made a lone carriage return.</summary>
    public static byte[] Mutate(Random random, byte[] valid, byte[][] tokens)
    {
        var bytes = new List<byte>(valid);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(0, bytes.Count + 1);
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.RemoveRange(at, random.Next(0, Math.Min(8, bytes.Count - at) + 1));
                    break;
                case 4:
                    var length = random.Next(0, Math.Min(16, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5 when bytes.Count > 1:
                    var other = random.Next(bytes.Count);
                    at = Math.Min(at, bytes.Count - 1);
                    (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                    break;
                case 6:
                    for (var i = 0; i < bytes.Count; i++)
                    {
                        bytes[i] = bytes[i] == (byte)'\n' ? (byte)'\r' : bytes[i];
                    }

                    break;
                default:
                    bytes.InsertRange(at, tokens[random.Next(tokens.Length)]);
                    break;
            }
        }

        return [.. bytes];
    }
}
