using Spectre.Console;

namespace Grid.Cli.Output;

/// <summary>Writes the tables of non-streaming commands: boxed by Spectre on a terminal, plain aligned columns when redirected.</summary>
internal static class Tables
{
    // Redirected output is read by scripts and diffed: no box-drawing characters, no wrapping at a guessed width, no trailing spaces.
    private const string ColumnGap = "  ";

    /// <summary>Writes a table; with <paramref name="figures"/> every column but the first is right-aligned.</summary>
    public static void Write(CliContext context, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, bool figures)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        if (context.Interactive)
        {
            var table = new Table { Border = TableBorder.Rounded };
            for (var i = 0; i < headers.Count; i++)
            {
                var column = new TableColumn(Markup.Escape(headers[i]));
                table.AddColumn(figures && i > 0 ? column.RightAligned() : column);
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            context.Ansi.Write(table);
            return;
        }

        var widths = headers.Select((header, i) => rows.Select(row => row[i].Length).Append(header.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(headers))
        {
            var cells = row.Select((cell, i) => figures && i > 0 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            context.Out.WriteLine(string.Join(ColumnGap, cells).TrimEnd());
        }
    }
}
