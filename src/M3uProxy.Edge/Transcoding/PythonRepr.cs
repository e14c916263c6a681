using System.Text;

namespace M3uProxy.Edge.Transcoding;

/// <summary>Python's <c>repr</c> of a dict of strings, as the reference stores <c>profile_variables</c> in metadata: <c>{'crf': '20'}</c>.</summary>
internal static class PythonRepr
{
    public static string Dict(IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (key, value) in values)
        {
            text.Append(first ? "" : ", ").Append(Str(key)).Append(": ").Append(Str(value));
            first = false;
        }

        return text.Append('}').ToString();
    }

    public static string Str(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder().Append(quote);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c == quote => "\\" + c,
                _ => c.ToString(),
            });
        }

        return text.Append(quote).ToString();
    }
}
