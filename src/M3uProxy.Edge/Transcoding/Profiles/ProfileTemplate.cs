using System.Text;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// An ffmpeg argument template (seed-spec §8.2) parsed as data: arguments split on white space
/// outside quotes, quotes grouping words without becoming part of the argument (the reference
/// keeps them, §8.2 [BUG]), placeholders filled per argument. There is no shell anywhere.
/// </summary>
internal sealed class ProfileTemplate
{
    private ProfileTemplate(string text, IReadOnlyList<TemplateToken> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    public string Text { get; }

    public IReadOnlyList<TemplateToken> Tokens { get; }

    /// <summary>Names of the placeholders, in order of first use.</summary>
    public IEnumerable<string> VariableNames => Tokens.SelectMany(t => t.Parts).Select(p => p.Variable).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>Parses a template; an unclosed quote or placeholder is an error with a reason.</summary>
    public static ProfileTemplate Parse(string text)
    {
        var tokens = new List<TemplateToken>();
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        var inToken = false;
        char? quote = null;

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                parts.Add(new TemplatePart(literal.ToString(), null));
                literal.Clear();
            }
        }

        void EndToken()
        {
            FlushLiteral();
            if (inToken && parts.Count > 0)
            {
                tokens.Add(new TemplateToken([.. parts]));
            }

            parts.Clear();
            inToken = false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                EndToken();
                continue;
            }

            inToken = true;
            if (c == quote)
            {
                quote = null;
            }
            else if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close < 0)
                {
                    throw new TemplateException($"Unclosed placeholder at position {i}");
                }

                var inner = text[(i + 1)..close];
                var bar = inner.IndexOf('|', StringComparison.Ordinal);
                var name = bar < 0 ? inner : inner[..bar];
                if (name.Length == 0 || !IsVariableName(name))
                {
                    throw new TemplateException($"Invalid placeholder '{{{inner}}}': names are letters, digits and '_'");
                }

                FlushLiteral();
                parts.Add(new TemplatePart(bar < 0 ? null : inner[(bar + 1)..], name));
                i = close;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (quote is not null)
        {
            throw new TemplateException("Unclosed quote in the template");
        }

        EndToken();
        return new ProfileTemplate(text, tokens);
    }

    /// <summary>
    /// The argument list with <paramref name="variables"/> filled in (else each placeholder's
    /// default). A placeholder with neither is an error; an argument made only of placeholders
    /// that render empty is dropped.
    /// </summary>
    public List<string> Render(IReadOnlyDictionary<string, string> variables)
    {
        var arguments = new List<string>(Tokens.Count);
        foreach (var token in Tokens)
        {
            var rendered = token.Render(part => variables.TryGetValue(part.Variable!, out var value)
                ? value
                : part.Text ?? throw new TemplateException($"Template variable '{part.Variable}' has no value and no default"));
            if (rendered.Length > 0 || !token.IsOnlyPlaceholders)
            {
                arguments.Add(rendered);
            }
        }

        return arguments;
    }

    public static bool IsVariableName(string name)
        => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>A template or variable the proxy refuses; the message is the reason shown to the caller.</summary>
internal sealed class TemplateException(string message) : Exception(message);
