using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Transcoding.Profiles;

/// <summary>
/// The reference's seven built-in profiles (seed-spec §8.1) with the probed encoder baked in, made
/// to start fast: a keyframe every 2 s (x264's default GOP of 250 frames keeps an HLS segment from
/// appearing for 10 s), and GPU scaling filters when the frames are on the GPU.
/// </summary>
internal sealed class ProfileCatalog
{
    public const string DefaultProfile = "default";

    /// <summary>A keyframe every 2 s whatever the frame rate: segment boundaries and joins land on keyframes.</summary>
    public const string KeyframeGrid = "-force_key_frames expr:gte(t,n_forced*2)";

    private readonly Dictionary<string, TranscodeProfile> _byName;

    public ProfileCatalog(HardwareAcceleration hardware)
    {
        Hardware = hardware;
        var hw = string.Join(' ', hardware.InputArguments);
        var h264 = Encoder(hardware.H264Encoder, hardware.EncoderArguments);
        var hevc = Encoder(hardware.HevcEncoder, hardware.EncoderArguments);
        var lowLatency = string.Join(' ', hardware.LowLatencyArguments);
        var prefix = hw.Length == 0 ? "" : hw + " ";

        Profiles =
        [
            Make("default", "Default profile with hardware acceleration",
                $"{prefix}-i {{input_url}} {h264} -b:v {{video_bitrate|2M}} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|128k}} -f {{format|mp4}} {{output_args|}}"),
            Make("hq", "High quality transcoding",
                $"{prefix}-i {{input_url}} {h264} {Quality(hardware)} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|192k}} -f {{format|mp4}} {{output_args|}}"),
            Make("lowlatency", "Low latency streaming",
                $"{prefix}-i {{input_url}} {h264} {lowLatency} -b:v {{video_bitrate|1M}} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|96k}} -f {{format|mpegts}} {{output_args|}}"),
            Make("720p", "720p transcoding",
                $"{prefix}-i {{input_url}} {h264} -vf {hardware.ScaleFilter(1280, 720)} -b:v {{video_bitrate|2500k}} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|128k}} -f {{format|mp4}} {{output_args|}}"),
            Make("1080p", "1080p transcoding",
                $"{prefix}-i {{input_url}} {h264} -vf {hardware.ScaleFilter(1920, 1080)} -b:v {{video_bitrate|5000k}} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|192k}} -f {{format|mp4}} {{output_args|}}"),
            Make("hevc", "HEVC/H.265 encoding",
                $"{prefix}-i {{input_url}} {hevc} -b:v {{video_bitrate|2M}} {KeyframeGrid} -c:a aac -b:a {{audio_bitrate|128k}} -f {{format|mp4}} {{output_args|}}"),
            Make("audio", "Audio only transcoding",
                "-i {input_url} -vn -c:a aac -b:a {audio_bitrate|192k} -f {format|adts} {output_args|}"),
        ];
        _byName = Profiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    public HardwareAcceleration Hardware { get; }

    public IReadOnlyList<TranscodeProfile> Profiles { get; }

    public IEnumerable<string> Names => Profiles.Select(p => p.Name);

    public bool TryGet(string name, out TranscodeProfile profile) => _byName.TryGetValue(name, out profile!);

    private static TranscodeProfile Make(string name, string description, string template)
        => new(name, description, ProfileTemplate.Parse(string.Join(' ', template.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    private static string Encoder(string encoder, IReadOnlyList<string> options)
        => options.Count == 0 ? $"-c:v {encoder}" : $"-c:v {encoder} {string.Join(' ', options)}";

    // -crf is x264/x265's; the GPU encoders take a constant quality under another name.
    private static string Quality(HardwareAcceleration hardware) => hardware.Kind switch
    {
        HardwareKind.Nvenc => "-rc vbr -cq {crf|23}",
        HardwareKind.Qsv => "-global_quality {crf|23}",
        HardwareKind.Vaapi => "-rc_mode CQP -qp {crf|23}",
        _ => "-crf {crf|23}",
    };
}
