namespace M3uProxy.Edge.Cli;

/// <summary>A successful answer: the body exactly as the server sent it (for <c>--json</c>) and its parsed form.</summary>
internal sealed record ApiAnswer<T>(string Json, T Value);
