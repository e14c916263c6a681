namespace M3uProxy.Edge.FanOut;

/// <summary>What <see cref="FanOutBuffer.TryRead"/> found at a reader's position.</summary>
internal enum FanOutReadStatus
{
    /// <summary>Bytes are ready.</summary>
    Data,

    /// <summary>Nothing new yet; wait for the writer.</summary>
    Empty,

    /// <summary>The reader fell so far behind that its bytes are being overwritten.</summary>
    Lagging,

    /// <summary>The source ended cleanly and the reader has everything.</summary>
    Ended,

    /// <summary>The source failed and the reader has everything that came before.</summary>
    Failed,
}
