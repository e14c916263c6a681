namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// The HEVC sequence parameter set (ITU-T H.265 §7.3.2.2) up to the conformance window: profile,
/// level and the cropped display size. The frame rate comes from the stream's timestamps instead
/// (the VUI sits behind the reference picture sets). Garbage gives false, never an exception.
/// </summary>
internal static class HevcSps
{
    private const int MaxDimension = 16384;

    /// <param name="rbsp">The unescaped SPS after its two-byte NAL header.</param>
    /// <param name="format">What it says, when it parses.</param>
    public static bool TryParse(ReadOnlySpan<byte> rbsp, out VideoFormat format)
    {
        format = default;
        var bits = new BitReader(rbsp);
        bits.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)bits.Read(3);
        bits.Skip(1); // sps_temporal_id_nesting_flag
        bits.Skip(3); // general_profile_space, general_tier_flag
        var profile = (int)bits.Read(5);
        bits.Skip(32 + 48); // compatibility flags, source flags and reserved bits
        var level = (int)bits.Read(8);
        Span<bool> profilePresent = stackalloc bool[8];
        Span<bool> levelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = bits.ReadFlag();
            levelPresent[i] = bits.ReadFlag();
        }

        if (maxSubLayersMinus1 > 0)
        {
            bits.Skip(2 * (8 - maxSubLayersMinus1));
        }

        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            bits.Skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }

        bits.ReadUe(); // sps_seq_parameter_set_id
        var chromaFormat = bits.ReadUe();
        if (chromaFormat == 3)
        {
            bits.Skip(1);
        }

        var width = (long)bits.ReadUe();
        var height = (long)bits.ReadUe();
        if (bits.ReadFlag())
        {
            var subWidth = chromaFormat is 1 or 2 ? 2 : 1;
            var subHeight = chromaFormat == 1 ? 2 : 1;
            width -= subWidth * ((long)bits.ReadUe() + bits.ReadUe());
            height -= subHeight * ((long)bits.ReadUe() + bits.ReadUe());
        }

        if (bits.Failed || width <= 0 || height <= 0 || width > MaxDimension || height > MaxDimension)
        {
            return false;
        }

        format = new VideoFormat("hevc", ProfileName(profile), FrameRate.Decimal(level, 30), (int)width, (int)height, null);
        return true;
    }

    private static string ProfileName(int profile) => profile switch
    {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Rext",
        _ => profile.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
