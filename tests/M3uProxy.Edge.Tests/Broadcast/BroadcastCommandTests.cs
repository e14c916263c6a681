using System.Text;
using M3uProxy.Edge.Api.Validation;
using M3uProxy.Edge.Broadcast;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Tests.Broadcast;

public sealed class BroadcastCommandTests
{
    private static BroadcastStartRequest Read(string json)
    {
        Assert.True(BodyValidator.TryOpen(Encoding.UTF8.GetBytes(json), out var body, out var document, out _));
        using (document)
        {
            var request = BroadcastStartRequest.Read(body);
            Assert.False(body.HasErrors, string.Join("; ", body.Errors.Select(e => e.Msg)));
            return request!;
        }
    }

    private static List<string> Arguments(BroadcastStartRequest request, long start = 0, bool discontinuity = false, HardwareAcceleration? hardware = null)
        => [.. new BroadcastCommand(request, BroadcastFiles.FolderAt("/srv/b/broadcast_n1"), start, discontinuity, hardware).Arguments()];

    private static string After(List<string> args, string option) => args[args.IndexOf(option) + 1];

    [Fact]
    public void Copy_PacedWithShortProbing_IntoNumberedSegments()
    {
        var args = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","segment_duration":2}"""), start: 41, discontinuity: true);

        Assert.True(args.IndexOf("-re") < args.IndexOf("-i"));
        Assert.Equal("500000", After(args, "-probesize"));
        Assert.Equal("http://127.0.0.1:9/a.ts", After(args, "-i"));
        Assert.Equal("copy", After(args, "-c:v"));
        Assert.Equal("copy", After(args, "-c:a"));
        Assert.Equal("41", After(args, "-start_number"));
        Assert.Equal("2", After(args, "-hls_time"));
        Assert.Equal("+initial_discontinuity", After(args, "-mpegts_flags"));
        Assert.Equal("/srv/b/broadcast_n1/live%06d.ts", After(args, "-hls_segment_filename"));
        Assert.Equal("/srv/b/broadcast_n1/" + SegmenterPlaylist.FileName, args[^1]);
        Assert.DoesNotContain("-t", args);
        Assert.DoesNotContain("-ss", args);
        Assert.DoesNotContain("-output_ts_offset", args);

        var next = new BroadcastCommand(Read("""{"stream_url":"http://127.0.0.1:9/a.ts"}"""), BroadcastFiles.FolderAt("/d"), 42, true, null) { TimestampOffset = 84.5 }.Arguments().ToList();
        Assert.Equal("85.500", After(next, "-output_ts_offset"));
    }

    [Fact]
    public void Duration_PadsAudio_AndBoundsTheOutput()
    {
        var args = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","duration_seconds":30,"seek_seconds":5}"""));

        Assert.Equal("30", After(args, "-t"));
        Assert.True(args.IndexOf("-t") > args.IndexOf("-i"));
        Assert.True(args.IndexOf("-ss") < args.IndexOf("-i"));
        Assert.Equal("apad", After(args, "-af"));
        Assert.Equal("aac", After(args, "-c:a"));
        Assert.Equal("copy", After(args, "-c:v"));
    }

    [Fact]
    public void Transcode_PutsKeyframesOnTheSegmentGrid()
    {
        var args = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true,"video_bitrate":"2500","video_resolution":"1280x720","audio_bitrate":128,"hwaccel":"none","segment_duration":4}"""));

        Assert.Equal("libx264", After(args, "-c:v"));
        Assert.Equal("veryfast", After(args, "-preset"));
        Assert.Equal("2500k", After(args, "-b:v"));
        Assert.Equal("scale=1280:720", After(args, "-vf"));
        Assert.Equal("expr:gte(t,n_forced*4)", After(args, "-force_key_frames"));
        Assert.Equal("128k", After(args, "-b:a"));
        Assert.DoesNotContain("-hwaccel", args);

        var given = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true,"video_bitrate":"3M","hwaccel":"cuda","video_codec":"h264_nvenc"}"""));
        Assert.Equal("3M", After(given, "-b:v"));
        Assert.Equal("cuda", After(given, "-hwaccel"));
        Assert.Equal("h264_nvenc", After(given, "-c:v"));
    }

    [Fact]
    public void Transcode_WithoutAnEncoderOfItsOwn_UsesTheProbesChoice_WithFramesKeptOnTheGpu()
    {
        var nvenc = new HardwareAcceleration(HardwareKind.Nvenc, null, false, [], "probe");
        var args = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true,"video_resolution":"1280:720"}"""), hardware: nvenc);

        Assert.Equal("h264_nvenc", After(args, "-c:v"));
        Assert.Equal("cuda", After(args, "-hwaccel"));
        Assert.Equal("cuda", After(args, "-hwaccel_output_format"));
        Assert.True(args.IndexOf("-hwaccel") < args.IndexOf("-i"));
        Assert.Equal("fast", After(args, "-preset"));
        Assert.Equal("scale_cuda=1280:720", After(args, "-vf"));

        var vaapi = new HardwareAcceleration(HardwareKind.Vaapi, "/dev/dri/renderD128", true, [], "probe");
        var lowPower = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true}"""), hardware: vaapi);
        Assert.Equal("h264_vaapi", After(lowPower, "-c:v"));
        Assert.Equal("/dev/dri/renderD128", After(lowPower, "-vaapi_device"));
        Assert.Equal("1", After(lowPower, "-low_power"));

        // An encoder or hwaccel of the request's own wins; copying never touches the GPU; the CPU stays libx264.
        Assert.Equal("libx264", After(Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true,"video_codec":"libx264"}"""), hardware: nvenc), "-c:v"));
        Assert.DoesNotContain("-hwaccel_output_format", Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true,"video_codec":"libx264"}"""), hardware: nvenc));
        Assert.DoesNotContain("-hwaccel", Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts"}"""), hardware: nvenc));
        var cpu = Arguments(Read("""{"stream_url":"http://127.0.0.1:9/a.ts","transcode":true}"""), hardware: HardwareAcceleration.Cpu([], "probe"));
        Assert.Equal("libx264", After(cpu, "-c:v"));
        Assert.Equal("veryfast", After(cpu, "-preset"));
    }

    [Fact]
    public void Headers_LoseLineBreaks_AndTravelAsOneArgument()
    {
        var request = Read("""{"stream_url":"http://127.0.0.1:9/a.ts","headers":{"User-Agent":" Kodi\r\nX-Evil: 1 ","X-Num":5,"X-Bool":true}}""");
        var headers = After(Arguments(request), "-headers");

        Assert.Equal("User-Agent: KodiX-Evil: 1\r\nX-Num: 5\r\nX-Bool: True\r\n", headers);
    }
}
