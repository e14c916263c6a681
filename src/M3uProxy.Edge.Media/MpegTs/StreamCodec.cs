namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>The elementary stream codecs the scanner recognises from PMT stream types and descriptors.</summary>
public enum StreamCodec
{
    None,
    H264,
    Hevc,
    Mpeg2Video,
    Aac,
    AacLatm,
    Ac3,
    Eac3,
    MpegAudio,
}
