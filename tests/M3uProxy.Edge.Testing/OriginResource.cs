namespace M3uProxy.Edge.Testing;

/// <summary>What a path serves: a static file (ranges supported) or an endless paced loop.</summary>
internal sealed record OriginResource(byte[] Content, string ContentType, bool IsLive, int BytesPerSecond, int ChunkSize);
