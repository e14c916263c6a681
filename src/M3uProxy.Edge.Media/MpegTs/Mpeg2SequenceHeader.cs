namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>The MPEG-2 video sequence header (ISO/IEC 13818-2 §6.2.2.1): size and frame rate.</summary>
internal static class Mpeg2SequenceHeader
{
    private static readonly double[] _frameRates = [0, 23.976, 24, 25, 29.97, 30, 50, 59.94, 60];

    /// <param name="body">The bytes after the 00 00 01 B3 start code.</param>
    /// <param name="format">What it says, when it parses.</param>
    public static bool TryParse(ReadOnlySpan<byte> body, out VideoFormat format)
    {
        format = default;
        if (body.Length < 4)
        {
            return false;
        }

        var width = (body[0] << 4) | (body[1] >> 4);
        var height = ((body[1] & 0x0F) << 8) | body[2];
        var rateCode = body[3] & 0x0F;
        if (width == 0 || height == 0)
        {
            return false;
        }

        format = new VideoFormat("mpeg2video", null, null, width, height, rateCode is > 0 and < 9 ? _frameRates[rateCode] : null);
        return true;
    }
}
