using System.CommandLine;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary>The <c>ID</c> argument of <c>info</c>, <c>delete</c> and <c>failover</c>, and the path it goes into.</summary>
internal static class StreamIdArgument
{
    public static Argument<string> Create() => new("id") { Description = "The stream id (32 hex characters, as `list` shows)" };

    /// <summary><c>streams/{id}</c>, escaped: the id is the user's text.</summary>
    public static string Path(string id, string suffix = "") => "streams/" + Uri.EscapeDataString(id) + suffix;

    public static string NotFound(string id) => $"no stream with id '{id}'";
}
