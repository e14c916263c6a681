using System.Globalization;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// The command line of one transcoder run: the proxy's own input (<c>-i pipe:0</c>, fed with the
/// stream's failover bytes, with quick-probe flags), the checked options of the spec, and the
/// proxy's own output (<c>pipe:1</c>, or the run's HLS folder with opaque segment names).
/// </summary>
internal static class FfmpegCommand
{
    /// <summary>
    /// Quick probe of piped MPEG-TS: half a megabyte and no duration analysis is enough to find the
    /// streams, and nothing is buffered that need not be (anchors §B.4: first byte in ≤ 1.5 s).
    /// </summary>
    public static IReadOnlyList<string> PipedInputOptions { get; } =
        ["-fflags", "+genpts+discardcorrupt+nobuffer", "-probesize", "512000", "-analyzeduration", "500000"];

    /// <summary>Quiet logs, with the stream lines and one progress block per second (parsed into media info).</summary>
    public static IReadOnlyList<string> LoggingOptions { get; } =
        ["-hide_banner", "-loglevel", "level+info", "-nostats", "-stats_period", "1", "-progress", "pipe:2"];

    public static List<string> Build(TranscodeSpec spec, HlsOutputDirectory? hls, TimeSpan outputOffset, long hlsStartNumber, string input = "pipe:0")
    {
        var arguments = new List<string>(64);
        arguments.AddRange(LoggingOptions);
        arguments.AddRange(spec.InputOptions);
        if (input == "pipe:0")
        {
            arguments.AddRange(PipedInputOptions);
        }

        arguments.Add("-i");
        arguments.Add(input);

        // One video and one audio stream unless the template maps its own (the reference's rule, §8.4).
        if (!spec.OutputOptions.Contains("-map"))
        {
            arguments.AddRange(["-map", "0:v:0?", "-map", "0:a:0?"]);
        }

        arguments.AddRange(spec.OutputOptions);
        if (outputOffset > TimeSpan.Zero)
        {
            // A restarted transcoder continues the timeline instead of jumping back to zero.
            arguments.AddRange(["-output_ts_offset", outputOffset.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)]);
        }

        if (hls is not null)
        {
            AddHlsOutput(arguments, spec, hls, hlsStartNumber);
        }
        else
        {
            AddPipeOutput(arguments, spec);
        }

        return arguments;
    }

    private static void AddPipeOutput(List<string> arguments, TranscodeSpec spec)
    {
        var format = LastValue(spec.OutputOptions, "-f");
        if (format is null)
        {
            arguments.AddRange(["-f", "mpegts"]);
            format = "mpegts";
        }

        if (format == "mpegts")
        {
            // Tables before every keyframe and packets flushed at once: a viewer joining mid-stream
            // starts at once, and the first bytes leave as soon as they exist.
            arguments.AddRange(["-flush_packets", "1", "-mpegts_flags", "+pat_pmt_at_frames+resend_headers+initial_discontinuity"]);
        }
        else if (format is "mp4" or "mov" && !spec.OutputOptions.Contains("-movflags"))
        {
            arguments.AddRange(["-movflags", "frag_keyframe+empty_moov+default_base_moof"]);
        }

        arguments.Add("pipe:1");
    }

    private static void AddHlsOutput(List<string> arguments, TranscodeSpec spec, HlsOutputDirectory folder, long startNumber)
    {
        if (LastValue(spec.OutputOptions, "-f") != "hls")
        {
            arguments.AddRange(["-f", "hls"]);
        }

        if (!spec.OutputOptions.Contains("-hls_time"))
        {
            arguments.AddRange(["-hls_time", "2"]);
        }

        if (!spec.OutputOptions.Contains("-hls_list_size"))
        {
            arguments.AddRange(["-hls_list_size", "6"]);
        }

        var fmp4 = LastValue(spec.OutputOptions, "-hls_segment_type") == "fmp4";
        var flags = "+delete_segments+independent_segments+temp_file" + (startNumber > 0 ? "+append_list+discont_start" : "");
        arguments.AddRange(["-hls_flags", LastValue(spec.OutputOptions, "-hls_flags") is { } own ? own + flags : flags]);
        arguments.AddRange(["-start_number", startNumber.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(["-hls_segment_filename", folder.SegmentPattern(fmp4 ? "m4s" : "ts")]);
        if (fmp4)
        {
            arguments.AddRange(["-hls_fmp4_init_filename", HlsOutputDirectory.InitName]);
        }

        arguments.Add(folder.PlaylistPath);
    }

    private static string? LastValue(IReadOnlyList<string> options, string name)
    {
        string? value = null;
        for (var i = 0; i < options.Count - 1; i++)
        {
            if (options[i] == name)
            {
                value = options[i + 1];
            }
        }

        return value;
    }
}
