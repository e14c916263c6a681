namespace M3uProxy.Edge.FanOut;

/// <summary>How a live channel's first bytes went: viewers wait for this before answering.</summary>
internal sealed record ChannelStart(bool Started, Exception? Error)
{
    public static ChannelStart Success { get; } = new(true, null);
}
