using System.Text;

namespace M3uProxy.Edge.Configuration;

/// <summary>
/// Reads a <c>.env</c> file the way python-dotenv's <c>dotenv_values</c> does for the reference
/// (pydantic-settings calls it): <c>KEY=VALUE</c> lines, an optional <c>export</c> prefix,
/// <c>#</c> comments, single-quoted values (escapes <c>\'</c> and <c>\\</c>), double-quoted values
/// (escapes <c>\n \t \r \" \' \\ \a \b \f \v</c>; any other backslash stays), and then
/// <c>${VAR}</c> / <c>${VAR:-default}</c> interpolation in every value, quoted or not. A variable
/// is looked up among the lines above it first, then in the environment, then its default, else
/// empty. Environment variables still override the file's own keys (see Program).
/// </summary>
internal static class DotEnvFile
{
    public static Dictionary<string, string?> Parse(string text) => Parse(text, Environment.GetEnvironmentVariable);

    public static Dictionary<string, string?> Parse(string text, Func<string, string?> environment)
    {
        // Interpolation looks names up exactly (python-dotenv is case-sensitive); the result is
        // case-insensitive like the settings it feeds.
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawLine in text.TrimStart('\uFEFF').Split('\n'))
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
            if (key.Length >= 2 && key[0] == '\'' && key[^1] == '\'')
            {
                key = key[1..^1];
            }

            var value = Interpolate(ParseValue(line[(equals + 1)..].Trim()), resolved, environment);
            resolved[key] = value;
            values[key] = value;
        }

        return values;
    }

    public static Dictionary<string, string?> ReadIfPresent(string path)
        => File.Exists(path) ? Parse(File.ReadAllText(path)) : new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>${NAME}</c> and <c>${NAME:-default}</c>, as python-dotenv's pattern
    /// <c>\$\{([^}:]*)(?::-([^}]*))?\}</c>: no bare <c>$NAME</c>, no nesting, no escape (a
    /// backslash before <c>$</c> stays a backslash), and a default applies only when the name is
    /// unset (an empty value is kept).
    /// </summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> above, Func<string, string?> environment)
    {
        var start = value.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return value;
        }

        var output = new StringBuilder(value.Length);
        var cursor = 0;
        while (start >= 0)
        {
            var close = value.IndexOf('}', start + 2);
            if (close < 0)
            {
                break;
            }

            var inner = value.AsSpan(start + 2, close - start - 2);
            var colon = inner.IndexOf(':');
            string name;
            string? fallback = null;
            if (colon < 0)
            {
                name = inner.ToString();
            }
            else if (colon + 1 < inner.Length && inner[colon + 1] == '-')
            {
                name = inner[..colon].ToString();
                fallback = inner[(colon + 2)..].ToString();
            }
            else
            {
                // "${A:x}" is not a variable for python-dotenv: keep the text and look further on.
                start = value.IndexOf("${", start + 2, StringComparison.Ordinal);
                continue;
            }

            output.Append(value, cursor, start - cursor);
            output.Append(above.TryGetValue(name, out var fromFile) ? fromFile : environment(name) ?? fallback ?? "");
            cursor = close + 1;
            start = value.IndexOf("${", cursor, StringComparison.Ordinal);
        }

        return output.Append(value, cursor, value.Length - cursor).ToString();
    }

    private static string ParseValue(string value)
    {
        if (value.Length >= 2 && value[0] is '\'' or '"')
        {
            var quote = value[0];
            var builder = new StringBuilder(value.Length);
            for (var i = 1; i < value.Length; i++)
            {
                var c = value[i];
                if (c == quote)
                {
                    return builder.ToString();
                }

                if (c == '\\' && i + 1 < value.Length && Unescape(quote, value[i + 1]) is { } unescaped)
                {
                    builder.Append(unescaped);
                    i++;
                    continue;
                }

                builder.Append(c);
            }

            return builder.ToString();
        }

        // Unquoted: an inline comment starts at whitespace followed by '#' (or at a leading '#').
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '#' && (i == 0 || char.IsWhiteSpace(value[i - 1])))
            {
                return value[..i].TrimEnd();
            }
        }

        return value;
    }

    private static char? Unescape(char quote, char next) => (quote, next) switch
    {
        (_, '\\') => '\\',
        (_, '\'') => '\'',
        ('"', '"') => '"',
        ('"', 'n') => '\n',
        ('"', 't') => '\t',
        ('"', 'r') => '\r',
        ('"', 'a') => '\a',
        ('"', 'b') => '\b',
        ('"', 'f') => '\f',
        ('"', 'v') => '\v',
        _ => null,
    };
}
