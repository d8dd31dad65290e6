using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Grid.Cli.Output;

/// <summary>Writes JSON objects one per line (JSON Lines), the shape of every <c>--json</c> output.</summary>
internal static class JsonLines
{
    // Output goes to a terminal or a pipe, never into HTML, so paths and messages keep their characters.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the JSON name of an enum value, for example <c>timedOut</c>.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Writes one object, whose properties <paramref name="writeProperties"/> writes, on one line.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> writeProperties)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeProperties);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
