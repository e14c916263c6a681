using System.CommandLine;

namespace M3uProxy.Edge.Cli;

/// <summary>What a command's action works with: its parsed arguments, the API client and the console.</summary>
internal sealed record CommandContext(ParseResult Parse, ManagementClient Client, CliConsole Console, bool Json)
{
    public TextWriter Out => Console.Out;

    /// <summary>
    /// With <c>--json</c>, prints the server's answer untouched (one document per line) and returns
    /// true; the command then skips its text.
    /// </summary>
    public bool PrintedAsJson<T>(ApiAnswer<T> answer)
    {
        if (Json)
        {
            Out.WriteLine(answer.Json.TrimEnd());
        }

        return Json;
    }
}
