using Spectre.Console;

namespace Grid.Cli.Output;

/// <summary>Makes the tables of non-streaming commands: boxed on a terminal, plain aligned columns when redirected.</summary>
internal static class Tables
{
    /// <summary>Creates a table with the given column headers, its cells right-aligned when <paramref name="rightAligned"/> (for figures).</summary>
    public static Table Create(CliContext context, bool rightAligned, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(headers);
        // Redirected output is read by scripts and diffed: no box-drawing characters, just columns split by spaces.
        var table = new Table { Border = context.Interactive ? TableBorder.Rounded : TableBorder.None };
        foreach (var header in headers)
        {
            var column = new TableColumn(Markup.Escape(header));
            if (rightAligned)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        return table;
    }
}
