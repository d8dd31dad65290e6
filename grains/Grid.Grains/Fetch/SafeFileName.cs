using System.Text;

namespace Grid.Fetch;

/// <summary>Names the file a fetched body is saved to: made only of letters, digits, dots, dashes and underscores, so that no URL can name a path outside the save folder.</summary>
internal static class SafeFileName
{
    /// <summary>The longest name made, well under every file system's limit.</summary>
    public const int MaxLength = 150;

    /// <summary>Makes the name of item <paramref name="index"/>'s body, for example <c>42-example.com_docs_a.html</c>; the index keeps names of one job unique.</summary>
    public static string For(long index, Uri url)
    {
        var raw = url.IdnHost + url.AbsolutePath + (url.Query.Length > 1 ? "_" + url.Query[1..] : string.Empty);
        var name = new StringBuilder(Math.Min(raw.Length, MaxLength) + 24);
        name.Append(index).Append('-');
        var limit = name.Length + MaxLength;
        foreach (var c in raw)
        {
            if (name.Length >= limit)
            {
                break;
            }

            var safe = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_';

            // Runs of separators fold into one; no name part is "." or "..", since every name starts with the index and a dash.
            if (safe == '_' && name[^1] == '_')
            {
                continue;
            }

            name.Append(safe);
        }

        return name.ToString().TrimEnd('_', '.');
    }
}
