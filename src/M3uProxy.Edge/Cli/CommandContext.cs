using System.CommandLine;

namespace M3uProxy.Edge.Cli;

/// <summary>What a command's action works with: its parsed arguments, the API client and the console.</summary>
internal sealed record CommandContext(ParseResult Parse, ManagementClient Client, CliConsole Console, bool Json)
{
    public TextWriter Out => Console.Out;

    /// <summary><c>--json</c>: the server's answer untouched, one document per line.</summary>
    public void WriteJson(string json) => Out.WriteLine(json.TrimEnd());
}
