using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// What a <c>profile_variables</c> value may look like. Known names have their own pattern
/// (bitrates, sizes, crf, codec and preset names); any other name gets a conservative one. No value
/// may start with '-' (it would become an option), and the proxy's own variables cannot be overridden.
/// </summary>
internal static partial class TemplateVariables
{
    /// <summary>Variables the proxy fills itself: the input and the output are never the caller's.</summary>
    public const string InputUrl = "input_url";

    public const string OutputArgs = "output_args";

    public const string Format = "format";

    /// <summary>Output formats a stream may ask for; each has a muxer that writes to a pipe or to HLS.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["mpegts", "hls", "mp4", "matroska", "mkv", "webm", "adts", "flv", "mp3", "ogg", "mov", "mpeg", "nut"];

    /// <summary>The reference's <c>default_variables</c> of <c>GET /transcode/profiles</c>.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [InputUrl] = "",
        [OutputArgs] = "",
        ["video_bitrate"] = "2M",
        ["audio_bitrate"] = "128k",
        [Format] = "mp4",
        ["crf"] = "23",
    };

    private static readonly Dictionary<string, (Regex Pattern, string Expected)> _known = new(StringComparer.Ordinal)
    {
        ["video_bitrate"] = (Bitrate(), "a bitrate such as 2M or 2500k"),
        ["audio_bitrate"] = (Bitrate(), "a bitrate such as 128k"),
        ["maxrate"] = (Bitrate(), "a bitrate such as 3M"),
        ["minrate"] = (Bitrate(), "a bitrate such as 1M"),
        ["bufsize"] = (Bitrate(), "a size such as 4M"),
        ["crf"] = (Quality(), "an integer from 0 to 51"),
        ["qp"] = (Quality(), "an integer from 0 to 51"),
        ["cq"] = (Quality(), "an integer from 0 to 51"),
        ["preset"] = (Preset(), "an encoder preset name (ultrafast … veryslow, p1 … p7, fast, medium, slow)"),
        ["tune"] = (Tune(), "a tune name (film, animation, grain, stillimage, fastdecode, zerolatency, hq, ll, ull)"),
        ["video_codec"] = (Codec(), "an encoder name such as libx264"),
        ["audio_codec"] = (Codec(), "an encoder name such as aac"),
        ["resolution"] = (Size(), "WIDTHxHEIGHT or WIDTH:HEIGHT, such as 1280x720"),
        ["scale"] = (Size(), "WIDTH:HEIGHT, such as 1280:720"),
        ["width"] = (Dimension(), "a width in pixels (-1 or -2 keep the aspect ratio)"),
        ["height"] = (Dimension(), "a height in pixels (-1 or -2 keep the aspect ratio)"),
        ["framerate"] = (FrameRate(), "a frame rate such as 25, 29.97 or 30000/1001"),
        ["fps"] = (FrameRate(), "a frame rate such as 25, 29.97 or 30000/1001"),
        ["gop"] = (SmallInteger(), "a number of frames"),
        ["keyint"] = (SmallInteger(), "a number of frames"),
        ["audio_channels"] = (Channels(), "a channel count from 1 to 8"),
        ["audio_sample_rate"] = (SampleRate(), "a sample rate such as 48000"),
        ["hls_time"] = (Seconds(), "seconds per segment, such as 2"),
        ["hls_list_size"] = (SmallInteger(), "a number of segments"),
        [Format] = (FormatName(), "one of " + string.Join(", ", Formats)),
    };

    /// <summary>Null when <paramref name="value"/> is acceptable for <paramref name="name"/>, else the reason.</summary>
    public static string? Check(string name, string value)
    {
        if (!ProfileTemplate.IsVariableName(name))
        {
            return $"Invalid variable name '{name}': use letters, digits and '_'";
        }

        if (name is InputUrl or OutputArgs)
        {
            return $"Variable '{name}' is set by the proxy and cannot be overridden";
        }

        if (_known.TryGetValue(name, out var rule))
        {
            return rule.Pattern.IsMatch(value) ? null : $"Invalid value for '{name}': expected {rule.Expected}";
        }

        return Generic().IsMatch(value) ? null : $"Invalid value for '{name}': up to 64 letters, digits and '_.:+=,@-', not starting with '-'";
    }

    [GeneratedRegex(@"^\d{1,7}(\.\d{1,3})?[kKmM]?$")]
    private static partial Regex Bitrate();

    [GeneratedRegex(@"^([0-9]|[1-4][0-9]|5[01])$")]
    private static partial Regex Quality();

    [GeneratedRegex("^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow|placebo|p[1-7]|default|hp|hq|bd|ll|llhq|llhp|lossless|losslesshp)$")]
    private static partial Regex Preset();

    [GeneratedRegex("^(film|animation|grain|stillimage|fastdecode|zerolatency|psnr|ssim|hq|ll|ull|lossless)$")]
    private static partial Regex Tune();

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex Codec();

    [GeneratedRegex(@"^\d{2,5}[:x]\d{2,5}$")]
    private static partial Regex Size();

    [GeneratedRegex(@"^(-1|-2|\d{2,5})$")]
    private static partial Regex Dimension();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3})?(/\d{1,4})?$")]
    private static partial Regex FrameRate();

    [GeneratedRegex(@"^\d{1,4}$")]
    private static partial Regex SmallInteger();

    [GeneratedRegex("^[1-8]$")]
    private static partial Regex Channels();

    [GeneratedRegex(@"^\d{4,6}$")]
    private static partial Regex SampleRate();

    [GeneratedRegex(@"^\d{1,2}(\.\d{1,3})?$")]
    private static partial Regex Seconds();

    [GeneratedRegex("^(mpegts|hls|mp4|matroska|mkv|webm|adts|flv|mp3|ogg|mov|mpeg|nut)$")]
    private static partial Regex FormatName();

    [GeneratedRegex(@"^[A-Za-z0-9_.:+=,@][A-Za-z0-9_.:+=,@\-]{0,63}$")]
    private static partial Regex Generic();
}
