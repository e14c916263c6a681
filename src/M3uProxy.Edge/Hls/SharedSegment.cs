namespace M3uProxy.Edge.Hls;

/// <summary>A whole upstream segment answer held in memory and shared by every viewer that asks for it.</summary>
internal sealed class SharedSegment
{
    public SharedSegment(int statusCode, string? contentType, string? contentRange, byte[] body)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        ContentRange = contentRange;
        Body = body;
    }

    public int StatusCode { get; }

    public string? ContentType { get; }

    public string? ContentRange { get; }

    public byte[] Body { get; }
}
