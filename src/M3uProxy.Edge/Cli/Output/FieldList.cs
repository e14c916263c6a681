namespace M3uProxy.Edge.Cli.Output;

/// <summary>Labelled lines under a heading (<c>  type        direct</c>), labels padded to line up.</summary>
internal sealed class FieldList
{
    private readonly List<(string Label, string Value)> _fields = [];

    public FieldList Add(string label, string value)
    {
        _fields.Add((label, value));
        return this;
    }

    public void Write(TextWriter writer)
    {
        var width = _fields.Count == 0 ? 0 : _fields.Max(field => field.Label.Length);
        foreach (var (label, value) in _fields)
        {
            writer.WriteLine($"  {label.PadRight(width)}  {value}");
        }
    }
}
