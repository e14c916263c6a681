namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>
/// The H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1 and annex E): profile, level, the
/// cropped display size and the VUI frame rate. Garbage gives false, never an exception.
/// </summary>
internal static class H264Sps
{
    private const int MaxDimension = 16384;

    /// <param name="rbsp">The unescaped SPS after its one-byte NAL header.</param>
    /// <param name="format">What it says, when it parses.</param>
    public static bool TryParse(ReadOnlySpan<byte> rbsp, out VideoFormat format)
    {
        format = default;
        var bits = new BitReader(rbsp);
        var profile = (int)bits.Read(8);
        var constraints = (int)bits.Read(8);
        var level = (int)bits.Read(8);
        bits.ReadUe(); // seq_parameter_set_id
        var chromaFormat = 1;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = (int)bits.ReadUe();
            if (chromaFormat == 3)
            {
                bits.Skip(1); // separate_colour_plane_flag
            }

            bits.ReadUe(); // bit_depth_luma_minus8
            bits.ReadUe(); // bit_depth_chroma_minus8
            bits.Skip(1); // qpprime_y_zero_transform_bypass_flag
            if (bits.ReadFlag())
            {
                for (var i = 0; i < (chromaFormat != 3 ? 8 : 12) && !bits.Failed; i++)
                {
                    if (bits.ReadFlag())
                    {
                        SkipScalingList(ref bits, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        bits.ReadUe(); // log2_max_frame_num_minus4
        var pocType = bits.ReadUe();
        if (pocType == 0)
        {
            bits.ReadUe();
        }
        else if (pocType == 1)
        {
            bits.Skip(1);
            bits.ReadSe();
            bits.ReadSe();
            var cycle = bits.ReadUe();
            for (var i = 0u; i < cycle && i < 256 && !bits.Failed; i++)
            {
                bits.ReadSe();
            }
        }

        bits.ReadUe(); // max_num_ref_frames
        bits.Skip(1); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = bits.ReadUe() + 1;
        var heightInMapUnits = bits.ReadUe() + 1;
        var frameMbsOnly = bits.ReadFlag();
        if (!frameMbsOnly)
        {
            bits.Skip(1); // mb_adaptive_frame_field_flag
        }

        bits.Skip(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (bits.ReadFlag())
        {
            cropLeft = bits.ReadUe();
            cropRight = bits.ReadUe();
            cropTop = bits.ReadUe();
            cropBottom = bits.ReadUe();
        }

        if (bits.Failed || widthInMbs > MaxDimension / 16 || heightInMapUnits > MaxDimension / 16)
        {
            return false;
        }

        var fieldFactor = frameMbsOnly ? 1 : 2;
        var (cropUnitX, cropUnitY) = chromaFormat switch
        {
            0 => (1, fieldFactor),
            1 => (2, 2 * fieldFactor),
            2 => (2, fieldFactor),
            _ => (1, fieldFactor),
        };
        var width = (long)widthInMbs * 16 - (cropUnitX * ((long)cropLeft + cropRight));
        var height = (long)heightInMapUnits * 16 * fieldFactor - (cropUnitY * ((long)cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            return false;
        }

        format = new VideoFormat("h264", ProfileName(profile, constraints), LevelName(level, constraints, profile), (int)width, (int)height, ReadVuiFrameRate(ref bits));
        return true;
    }

    private static double? ReadVuiFrameRate(ref BitReader bits)
    {
        if (!bits.ReadFlag())
        {
            return null;
        }

        if (bits.ReadFlag() && bits.Read(8) == 255) // aspect_ratio_info_present_flag, Extended_SAR
        {
            bits.Skip(32);
        }

        if (bits.ReadFlag())
        {
            bits.Skip(1); // overscan_appropriate_flag
        }

        if (bits.ReadFlag())
        {
            bits.Skip(4); // video_format, video_full_range_flag
            if (bits.ReadFlag())
            {
                bits.Skip(24);
            }
        }

        if (bits.ReadFlag())
        {
            bits.ReadUe();
            bits.ReadUe();
        }

        if (!bits.ReadFlag())
        {
            return null;
        }

        var unitsInTick = bits.Read(32);
        var timeScale = bits.Read(32);
        return bits.Failed || unitsInTick == 0 || timeScale == 0 ? null : FrameRate.Round(timeScale / (2.0 * unitsInTick));
    }

    private static void SkipScalingList(ref BitReader bits, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && !bits.Failed; j++)
        {
            if (next != 0)
            {
                next = (last + bits.ReadSe() + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }

    private static string ProfileName(int profile, int constraints) => profile switch
    {
        66 when (constraints & 0x40) != 0 => "Constrained Baseline",
        66 => "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 => "High 10",
        122 => "High 4:2:2",
        244 => "High 4:4:4 Predictive",
        44 => "CAVLC 4:4:4",
        _ => profile.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // level_idc is ten times the level; 11 with constraint_set3 in Baseline/Main/Extended is level 1b.
    private static string LevelName(int level, int constraints, int profile)
        => level == 11 && (constraints & 0x10) != 0 && profile is 66 or 77 or 88 ? "1b" : FrameRate.Decimal(level, 10);
}
