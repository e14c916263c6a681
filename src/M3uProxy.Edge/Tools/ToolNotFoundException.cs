namespace M3uProxy.Edge.Tools;

/// <summary>The program is not installed (or not executable) at the configured path.</summary>
internal sealed class ToolNotFoundException(string fileName, Exception inner)
    : Exception($"'{fileName}' could not be started: is it installed?", inner)
{
    public string FileName { get; } = fileName;
}
