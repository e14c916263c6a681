using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Transcoding.Profiles;

namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>Custom templates: everything that could read or write beyond the proxy's pipes is refused with a reason.</summary>
public sealed class ArgumentPolicyTests
{
    private const string Url = "http://origin.test/live/1.ts";

    private static readonly ProfileCatalog _cpu = new(HardwareAcceleration.Cpu([], "test"));

    private static TranscodePlan Plan(string profile, Dictionary<string, string>? variables = null, string? format = null, bool allowCustom = true)
        => TranscodePlanner.Plan(_cpu, Url, profile, variables, format, allowCustom);

    [Theory]
    [InlineData("-i {input_url} -i /etc/passwd -c copy -f mpegts {output_args}", "adds an input")]
    [InlineData("-i {input_url} -c copy -f mpegts /tmp/evil.ts", "adds an output")]
    [InlineData("-i {input_url} -c copy -f mpegts evil.ts {output_args}", "adds an output")]
    [InlineData("-i {input_url} -c copy -y -f mpegts {output_args}", "-y")]
    [InlineData("-i {input_url} -vf movie=/etc/passwd -f mpegts {output_args}", "file path")]
    [InlineData("-i {input_url} -vf movie=secret.png -f mpegts {output_args}", "Filter 'movie'")]
    [InlineData("-i {input_url} -af amovie=x.wav -f mpegts {output_args}", "Filter 'amovie'")]
    [InlineData("-i {input_url} -vf subtitles=x.srt -f mpegts {output_args}", "Filter 'subtitles'")]
    [InlineData("-i {input_url} -metadata title=file:x -f mpegts {output_args}", "'file:' protocol")]
    [InlineData("-i {input_url} -metadata title=concat:a|b -f mpegts {output_args}", "'concat:' protocol")]
    [InlineData("-i {input_url} -vf \"[in]subfile,scale=1:1\" -f mpegts {output_args}", "Filter 'subfile'")]
    [InlineData("-f concat -i {input_url} -c copy -f mpegts {output_args}", "Input option '-f'")]
    [InlineData("-i {input_url} -c copy -f hls -hls_segment_filename /tmp/s%d.ts {output_args}", "segment paths")]
    [InlineData("-i {input_url} -c copy -f mpegts -report {output_args}", "report")]
    [InlineData("-i {input_url} -/vf /tmp/graph.txt -f mpegts {output_args}", "from a file")]
    [InlineData("-i {input_url} -filter_complex_script g.txt -f mpegts {output_args}", "script")]
    [InlineData("-i {input_url} -c copy -f mpegts {output_args} -y", "-y")]
    [InlineData("-i {input_url} -c copy -f mpegts", "no output")]
    [InlineData("-c copy -f mpegts {output_args}", "before -i")]
    public void Unsafe_CustomTemplate_IsRefusedWith422AndAReason(string template, string reason)
    {
        var plan = Plan(template);
        Assert.Null(plan.Spec);
        Assert.Equal(422, plan.Status);
        Assert.Contains(reason, plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void VariableCarryingAnOutput_IsRefused()
    {
        var plan = Plan("-i {input_url} -c copy -f mpegts {extra} {output_args}", new() { ["extra"] = "out.ts" });
        Assert.Equal(422, plan.Status);
    }

    [Fact]
    public void OverridingInputOrOutput_IsRefused()
    {
        Assert.Equal(422, Plan("default", new() { ["input_url"] = "file:///etc/passwd" }).Status);
        Assert.Equal(422, Plan("default", new() { ["output_args"] = "/tmp/x.ts" }).Status);
    }

    [Fact]
    public void SafeCustomTemplate_IsAccepted_WithQuotesRemoved()
    {
        var plan = Plan("-hwaccel auto -i {input_url} -vf \"scale=640:-2,fps=25\" -c:v libx264 -preset {preset|veryfast} -c:a aac -f {format} {output_args}");
        Assert.NotNull(plan.Spec);
        Assert.Equal("custom", plan.Spec.Profile);
        Assert.Contains("scale=640:-2,fps=25", plan.Spec.OutputOptions);
        Assert.Equal(["-hwaccel", "auto"], plan.Spec.InputOptions);
        Assert.False(plan.Spec.HlsOutput);
    }

    [Fact]
    public void CustomTemplates_Disabled_Is403()
        => Assert.Equal(403, Plan("-i {input_url} -c copy -f mpegts {output_args}", allowCustom: false).Status);

    [Fact]
    public void UnknownProfile_Is400_WithTheReferenceMessage()
    {
        var plan = Plan("nope");
        Assert.Equal(400, plan.Status);
        Assert.Equal("Profile 'nope' not found. Available profiles: default, hq, lowlatency, 720p, 1080p, hevc, audio", plan.Reason);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("hq")]
    [InlineData("lowlatency")]
    [InlineData("720p")]
    [InlineData("1080p")]
    [InlineData("hevc")]
    [InlineData("audio")]
    public void EveryBuiltInProfile_PassesThePolicy_OnEveryHardware(string name)
    {
        foreach (var kind in Enum.GetValues<HardwareKind>())
        {
            var catalog = new ProfileCatalog(new HardwareAcceleration(kind, kind == HardwareKind.Vaapi ? "/dev/dri/renderD128" : null, false, [], "test"));
            var plan = TranscodePlanner.Plan(catalog, Url, name, null, "hls", allowCustom: false);
            Assert.True(plan.Spec is not null, $"{name} on {kind}: {plan.Reason}");
            Assert.True(plan.Spec.HlsOutput);
        }
    }

    [Fact]
    public void OutputMode_OneRule_HlsSourceWithPipeProfileIsDirect()
    {
        // The reference advertises HLS for any argument ending in .m3u8 (its input), §8.3 [BUG].
        var plan = TranscodePlanner.Plan(_cpu, "http://origin.test/live/index.m3u8", "default", null, null, allowCustom: true);
        Assert.False(plan.Spec!.HlsOutput);
        Assert.Equal("mpegts", plan.Spec.Format);
        Assert.True(Plan("-i {input_url} -c copy -hls_time 2 {output_args}").Spec!.HlsOutput);
    }

    [Fact]
    public void Ids_FollowTheReference_AndNeverCollideAcrossOutputs()
    {
        var plain = Plan("default").Spec!;
        Assert.Equal(Edge.Streams.StreamIds.Md5Hex($"{Url}|transcoded|default|direct"), plain.StreamIdFor(Url));
        var crf = Plan("default", new() { ["video_bitrate"] = "3M" }).Spec!;
        var customA = Plan("-i {input_url} -c:v libx264 -f mpegts {output_args}").Spec!;
        var customB = Plan("-i {input_url} -c:v libx264 -b:v 1M -f mpegts {output_args}").Spec!;
        var ids = new[] { plain, crf, customA, customB, Plan("default", format: "hls").Spec! }.Select(s => s.StreamIdFor(Url)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(plain.StreamIdFor(Url), Plan("default").Spec!.StreamIdFor(Url));
    }

    [Fact]
    public void BuiltIns_HaveAKeyframeGrid()
        => Assert.All(_cpu.Profiles.Where(p => p.Name != "audio"), p => Assert.Contains("-force_key_frames expr:gte(t,n_forced*2)", p.Template.Text, StringComparison.Ordinal));
}
