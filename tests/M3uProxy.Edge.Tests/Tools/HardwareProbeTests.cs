using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Tests.Tools;

/// <summary>
/// The probe's decisions on recorded ffmpeg outputs (Debian's ffmpeg 5.1 lists every hardware
/// encoder whether or not a GPU is there; the failures are what it prints without one).
/// </summary>
public sealed class HardwareProbeTests
{
    private const string Encoders = """
        Encoders:
         V..... = Video
         A..... = Audio
         ------
         V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
         V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
         V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)
         V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)
         V....D hevc_nvenc           NVIDIA NVENC hevc encoder (codec hevc)
         V....D hevc_vaapi           H.265/HEVC (VAAPI) (codec hevc)
         A....D aac                  AAC (Advanced Audio Coding)
        """;

    private const string EncodersWithoutNvenc = """
        Encoders:
         V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
         V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)
        """;

    private const string Hwaccels = "Hardware acceleration methods:\nvdpau\ncuda\nvaapi\nqsv\ndrm\nopencl\nvulkan\n";

    private const string NvencFails = "[h264_nvenc @ 0x5649b5b9e380] Cannot load libcuda.so.1\nError initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height\n";

    private const string VaapiDriverFails = "[AVHWDeviceContext @ 0x55d0] libva: /usr/lib/x86_64-linux-gnu/dri/iHD_drv_video.so init failed\nDevice creation failed: -22.\nFailed to set value '/dev/dri/renderD128' for option 'vaapi_device': Invalid argument\n";

    private const string VaapiEntrypointFails = "[h264_vaapi @ 0x5612] No usable encoding entrypoint found for profile VAProfileH264High (7).\nError initializing output stream 0:0 -- Error while opening encoder for output stream #0:0\n";

    [Fact]
    public async Task NvencPresentAndWorking_IsChosenFirst()
    {
        var runs = new Recorder(args => args.Contains("h264_nvenc") ? new ProbeOutput(0, "") : new ProbeOutput(1, "unexpected"));
        var result = await Probe(runs, "/dev/nvidia0", "/dev/nvidiactl", "/dev/dri/renderD128").DetectAsync(CancellationToken.None);

        Assert.Equal(HardwareKind.Nvenc, result.Kind);
        Assert.Equal("nvidia", result.TypeName);
        Assert.True(result.Candidates.Single(c => c.Name == "nvenc").Chosen);
        Assert.Contains("not tried", result.Candidates.Single(c => c.Name == "qsv").Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(runs.Calls, c => c.Contains("h264_vaapi"));
        Assert.Equal(["-hwaccel", "cuda", "-hwaccel_output_format", "cuda"], result.InputArguments);
        Assert.Equal("scale_cuda=1280:720", result.ScaleFilter(1280, 720));
    }

    [Fact]
    public async Task DeviceNodeButNoEncoder_FallsBackToCpu_WithTheReason()
    {
        var runs = new Recorder(_ => new ProbeOutput(1, "should not run"));
        runs.Encoders = EncodersWithoutNvenc;
        var result = await Probe(runs, "/dev/nvidia0").DetectAsync(CancellationToken.None);

        Assert.Equal(HardwareKind.Cpu, result.Kind);
        Assert.Equal("ffmpeg has no h264_nvenc encoder", result.Candidates.Single(c => c.Name == "nvenc").Reason);
        Assert.Equal("no /dev/dri/renderD* device node", result.Candidates.Single(c => c.Name == "vaapi").Reason);
        Assert.DoesNotContain(runs.Calls, c => c.Contains("lavfi"));
    }

    [Fact]
    public async Task NvencListedButLibcudaMissing_FailsItsTest_NotChosen()
    {
        var runs = new Recorder(_ => new ProbeOutput(1, NvencFails));
        var result = await Probe(runs, "/dev/nvidia0").DetectAsync(CancellationToken.None);

        Assert.Equal(HardwareKind.Cpu, result.Kind);
        Assert.Contains("test encode failed", result.Candidates.Single(c => c.Name == "nvenc").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaapiDriverFailing_IsNotChosen_EvenThoughTheReferenceWouldMarkItCompatible()
    {
        var runs = new Recorder(args => args.Contains("h264_vaapi") ? new ProbeOutput(234, VaapiDriverFails) : new ProbeOutput(1, "Error while opening encoder"));
        var result = await Probe(runs, "/dev/dri/renderD128").DetectAsync(CancellationToken.None);

        Assert.Equal(HardwareKind.Cpu, result.Kind);
        var vaapi = result.Candidates.Single(c => c.Name == "vaapi");
        Assert.False(vaapi.Chosen);
        Assert.Contains("(low-power)", vaapi.Reason, StringComparison.Ordinal);
        Assert.Equal(2, runs.Calls.Count(c => c.Contains("h264_vaapi")));
    }

    [Fact]
    public async Task QsvFailing_VaapiOnlyInLowPower_ChoosesVaapiLowPower()
    {
        var runs = new Recorder(args => args switch
        {
            _ when args.Contains("h264_vaapi") && args.Contains("-low_power") => new ProbeOutput(0, ""),
            _ when args.Contains("h264_vaapi") => new ProbeOutput(1, VaapiEntrypointFails),
            _ => new ProbeOutput(1, "Error creating a MFX session: -9."),
        });
        var result = await Probe(runs, "/dev/dri/renderD128").DetectAsync(CancellationToken.None);

        Assert.Equal(HardwareKind.Vaapi, result.Kind);
        Assert.True(result.LowPower);
        Assert.Equal("/dev/dri/renderD128", result.Device);
        Assert.Contains("-low_power", result.EncoderArguments);
        Assert.Contains("MFX session", result.Candidates.Single(c => c.Name == "qsv").Reason, StringComparison.Ordinal);
        Assert.Equal("scale_vaapi=w=1280:h=720", result.ScaleFilter(1280, 720));
    }

    [Fact]
    public async Task QsvWorking_IsChosen()
    {
        var runs = new Recorder(args => args.Contains("h264_qsv") ? new ProbeOutput(0, "") : new ProbeOutput(1, "no"));
        var result = await Probe(runs, "/dev/dri/renderD128").DetectAsync(CancellationToken.None);
        Assert.Equal(HardwareKind.Qsv, result.Kind);
        Assert.Equal("intel", result.TypeName);
    }

    [Fact]
    public async Task NothingThere_IsCpu_WithoutRunningFfmpeg()
    {
        var runs = new Recorder(_ => new ProbeOutput(0, ""));
        var result = await Probe(runs).DetectAsync(CancellationToken.None);
        Assert.Equal(HardwareKind.Cpu, result.Kind);
        Assert.False(result.Available);
        Assert.Empty(runs.Calls);
        Assert.All(result.Candidates, c => Assert.Contains("device node", c.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("true", "nvidia", "cuda", "Nvenc")]
    [InlineData("true", "intel", "vaapi", "Vaapi")]
    [InlineData("true", "", "vaapi", "Vaapi")]
    [InlineData("true", "qsv", "", "Qsv")]
    [InlineData("false", "nvidia", "cuda", "Cpu")]
    [InlineData("true", "cpu", "", "Cpu")]
    public void Environment_OverridesTheProbe(string available, string type, string device, string expected)
        => Assert.Equal(expected, HardwareProbe.FromEnvironment(available, type, device)!.Kind.ToString());

    [Fact]
    public void Environment_Unset_MeansProbe() => Assert.Null(HardwareProbe.FromEnvironment("", "nvidia", "cuda"));

    [Fact]
    public async Task RealFfmpeg_OnThisMachine_ChoosesTheCpu_WhenNoDeviceWorks()
    {
        // The CPU path for real: whatever ffmpeg lists here, only an encoder that encodes is chosen.
        var probe = new HardwareProbe(RealFfmpeg, HardwareProbe.ListDeviceNodes);
        var result = await probe.DetectAsync(CancellationToken.None);
        if (HardwareProbe.ListDeviceNodes().Count == 0)
        {
            Assert.Equal(HardwareKind.Cpu, result.Kind);
        }

        Assert.Equal(3, result.Candidates.Count);
    }

    private static async Task<ProbeOutput> RealFfmpeg(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await M3uProxy.Edge.Testing.ToolProcess.RunAsync(M3uProxy.Edge.Testing.TestMedia.FfmpegPath, ["-hide_banner", .. arguments], timeout, cancellationToken);
        return new ProbeOutput(result.ExitCode, result.StandardOutput + result.StandardError);
    }

    private static HardwareProbe Probe(Recorder runs, params string[] nodes) => new(runs.RunAsync, () => nodes);

    private sealed class Recorder(Func<IReadOnlyList<string>, ProbeOutput> encode)
    {
        public string Encoders { get; set; } = HardwareProbeTests.Encoders;

        public List<IReadOnlyList<string>> Calls { get; } = [];

        public Task<ProbeOutput> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Calls.Add(arguments);
            return Task.FromResult(arguments switch
            {
                ["-encoders"] => new ProbeOutput(0, Encoders),
                ["-hwaccels"] => new ProbeOutput(0, Hwaccels),
                _ => encode(arguments),
            });
        }
    }
}
