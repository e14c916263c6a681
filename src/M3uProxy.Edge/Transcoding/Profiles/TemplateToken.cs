using System.Text;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// One argument of a template: literal text and <c>{name}</c> / <c>{name|default}</c> placeholders.
/// Splitting happens on the template before any value is put in, so a value fills (part of) one
/// argument and never becomes two.
/// </summary>
internal sealed record TemplateToken(IReadOnlyList<TemplatePart> Parts)
{
    /// <summary>True when the token is nothing but placeholders: it disappears when they render empty (<c>{output_args|}</c>).</summary>
    public bool IsOnlyPlaceholders => Parts.All(p => p.Variable is not null);

    public string Render(Func<TemplatePart, string> value)
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            text.Append(part.Variable is null ? part.Text : value(part));
        }

        return text.ToString();
    }
}

/// <summary>Literal text (Variable null) or a placeholder (Variable set, Text = its default or null).</summary>
internal sealed record TemplatePart(string? Text, string? Variable);
