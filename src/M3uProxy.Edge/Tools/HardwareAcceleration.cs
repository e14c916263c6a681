namespace M3uProxy.Edge.Tools;

/// <summary>
/// The encoder family chosen at start-up and the ffmpeg arguments that go with it. The arguments
/// keep decoded frames where the next step needs them: with GPU decoding the frames stay on the
/// GPU, so scaling uses the GPU's own filter (<c>scale_cuda</c>, <c>scale_qsv</c>,
/// <c>scale_vaapi</c>), never the software <c>scale</c> that fails on GPU frames (seed-spec §8.1 [WEAK]).
/// </summary>
internal sealed record HardwareAcceleration(HardwareKind Kind, string? Device, bool LowPower, IReadOnlyList<HardwareCandidate> Candidates, string Source)
{
    public static HardwareAcceleration Cpu(IReadOnlyList<HardwareCandidate> candidates, string source) => new(HardwareKind.Cpu, null, false, candidates, source);

    public bool Available => Kind != HardwareKind.Cpu;

    /// <summary>The reference's <c>hardware_acceleration.type</c>: <c>nvidia</c>, <c>intel</c> (QSV), <c>vaapi</c> or <c>cpu</c>.</summary>
    public string TypeName => Kind switch
    {
        HardwareKind.Nvenc => "nvidia",
        HardwareKind.Qsv => "intel",
        HardwareKind.Vaapi => "vaapi",
        _ => "cpu",
    };

    public string H264Encoder => Kind switch
    {
        HardwareKind.Nvenc => "h264_nvenc",
        HardwareKind.Qsv => "h264_qsv",
        HardwareKind.Vaapi => "h264_vaapi",
        _ => "libx264",
    };

    public string HevcEncoder => Kind switch
    {
        HardwareKind.Nvenc => "hevc_nvenc",
        HardwareKind.Qsv => "hevc_qsv",
        HardwareKind.Vaapi => "hevc_vaapi",
        _ => "libx265",
    };

    /// <summary>Input options: decode on the GPU and keep the frames there.</summary>
    public IReadOnlyList<string> InputArguments => Kind switch
    {
        HardwareKind.Nvenc => ["-hwaccel", "cuda", "-hwaccel_output_format", "cuda"],
        HardwareKind.Qsv => ["-hwaccel", "qsv", "-hwaccel_output_format", "qsv"],
        HardwareKind.Vaapi => ["-hwaccel", "vaapi", "-hwaccel_output_format", "vaapi", "-vaapi_device", Device ?? HardwareProbe.DefaultRenderNode],
        _ => [],
    };

    /// <summary>Encoder options after <c>-c:v</c>: a preset where the encoder has presets (VAAPI has none), low-power mode when only that works.</summary>
    public IReadOnlyList<string> EncoderArguments => Kind switch
    {
        HardwareKind.Nvenc => ["-preset", "fast"],
        HardwareKind.Qsv => ["-preset", "medium"],
        HardwareKind.Vaapi when LowPower => ["-low_power", "1"],
        HardwareKind.Vaapi => [],
        _ => ["-preset", "faster"],
    };

    /// <summary>The low-latency tune of this encoder family, if it has one.</summary>
    public IReadOnlyList<string> LowLatencyArguments => Kind switch
    {
        HardwareKind.Nvenc => ["-tune", "ll"],
        HardwareKind.Cpu => ["-tune", "zerolatency"],
        _ => [],
    };

    /// <summary>A scale to a fixed size with the filter that matches where the frames are.</summary>
    public string ScaleFilter(int width, int height) => Kind switch
    {
        HardwareKind.Nvenc => $"scale_cuda={width}:{height}",
        HardwareKind.Qsv => $"scale_qsv=w={width}:h={height}",
        HardwareKind.Vaapi => $"scale_vaapi=w={width}:h={height}",
        _ => $"scale={width}:{height}",
    };
}

/// <summary>One hardware encoder the probe considered: whether it was chosen, and why (not).</summary>
internal sealed record HardwareCandidate(string Name, bool Chosen, string Reason);
