namespace M3uProxy.Edge.Configuration;

/// <summary>
/// Reads a <c>.env</c> file the way python-dotenv does for the reference: <c>KEY=VALUE</c> lines,
/// an optional <c>export</c> prefix, <c>#</c> comments, single- or double-quoted values (double
/// quotes understand <c>\n</c>, <c>\t</c>, <c>\"</c> and <c>\\</c>). Environment variables override it.
/// </summary>
internal static class DotEnvFile
{
    public static Dictionary<string, string?> Parse(string text)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            values[key] = ParseValue(line[(equals + 1)..].Trim());
        }

        return values;
    }

    public static Dictionary<string, string?> ReadIfPresent(string path)
        => File.Exists(path) ? Parse(File.ReadAllText(path)) : new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    private static string ParseValue(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value.IndexOf('\'', 1) is var endSingle and > 0)
        {
            return value[1..endSingle];
        }

        if (value.Length >= 2 && value[0] == '"')
        {
            var builder = new System.Text.StringBuilder(value.Length);
            for (var i = 1; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c == '\\' && i + 1 < value.Length)
                {
                    i++;
                    builder.Append(value[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                    continue;
                }

                builder.Append(c);
            }

            return builder.ToString();
        }

        // Unquoted: an inline comment starts at " #".
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        return (comment >= 0 ? value[..comment] : value).Trim();
    }
}
