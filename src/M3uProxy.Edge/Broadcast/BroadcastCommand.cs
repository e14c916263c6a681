using System.Globalization;
using System.Text;
using M3uProxy.Edge.Tools;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The ffmpeg argument list of one programme (seed-spec §13.1, anchors §C.3): realtime input with
/// short probing, copy or transcode with keyframes on the segment grid, padded audio when a
/// duration is set, and HLS segments <c>live%06d.ts</c> continuing at <paramref name="StartNumber"/>.
/// ffmpeg writes only segments and a private playlist; <c>live.m3u8</c> is the proxy's.
/// Nothing user-supplied is ever an input, an output or an option name. A transcoding programme
/// that names neither an encoder nor a <c>hwaccel</c> encodes with the run's
/// <paramref name="Hardware"/> choice (the probe's, as transcoding does), frames kept on the GPU.
/// </summary>
internal sealed record BroadcastCommand(BroadcastStartRequest Request, HlsOutputDirectory Folder, long StartNumber, bool Discontinuity, HardwareAcceleration? Hardware)
{
    /// <summary>
    /// Seconds of media already published on the network: the next programme's timestamps start
    /// after them (plus <see cref="TimestampMargin"/>), so they keep rising across programmes and
    /// players that ignore the discontinuity keep playing.
    /// </summary>
    public double TimestampOffset { get; init; }

    /// <summary>
    /// The last segment's audio can run up to the muxer's interleaving delay (0.7 s) past its video,
    /// which is what EXTINF measures: a short forward gap is harmless, an overlap is not.
    /// </summary>
    public const double TimestampMargin = 1.0;

    /// <summary>The segmenter's own list: long enough that no segment is missed between two reads.</summary>
    private const int SegmenterListSize = 10;

    public IReadOnlyList<string> Arguments()
    {
        var request = Request;
        // No -nostdin: a stop sends "q" on stdin, so ffmpeg finishes its current segment and the playlist.
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "warning", "-y" };
        if (request.Transcode && request.HwAccel is { } hwaccel && !hwaccel.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            args.AddRange(["-hwaccel", hwaccel]);
        }
        else if (ChosenHardware is { } hardware)
        {
            args.AddRange(hardware.InputArguments);
        }

        // ffmpeg's default probing waits for ~5 s of a paced source before the first packet is written.
        args.AddRange(["-fflags", "+genpts+discardcorrupt", "-probesize", "500000", "-analyzeduration", "1000000"]);
        if (request.SeekSeconds > 0)
        {
            args.AddRange(["-ss", Number(request.SeekSeconds)]);
        }

        args.AddRange(["-re", "-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_delay_max", "10", "-rw_timeout", "15000000"]);
        if (request.Headers.Count > 0)
        {
            var headers = new StringBuilder();
            foreach (var (name, value) in request.Headers)
            {
                headers.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            args.AddRange(["-headers", headers.ToString()]);
        }

        args.AddRange(["-i", request.StreamUrl]);
        if (request.DurationSeconds > 0)
        {
            args.AddRange(["-t", Number(request.DurationSeconds)]);
        }

        args.AddRange(["-map", "0:v:0?", "-map", "0:a:0?"]);
        if (request.Transcode)
        {
            AddVideoEncoding(args);
            AddAudioEncoding(args);
        }
        else
        {
            args.AddRange(["-c:v", "copy"]);
            if (request.DurationSeconds > 0)
            {
                // Copied audio cannot be padded; encoding only the audio is cheap and keeps the last segment whole.
                AddAudioEncoding(args);
            }
            else
            {
                args.AddRange(["-c:a", "copy"]);
            }
        }

        if (Discontinuity)
        {
            args.AddRange(["-mpegts_flags", "+initial_discontinuity"]);
        }

        if (TimestampOffset > 0)
        {
            args.AddRange(["-output_ts_offset", (TimestampOffset + TimestampMargin).ToString("0.000", CultureInfo.InvariantCulture)]);
        }

        args.AddRange(
        [
            "-f", "hls",
            "-hls_time", Number(request.SegmentDuration),
            "-hls_list_size", Number(SegmenterListSize),
            "-start_number", StartNumber.ToString(CultureInfo.InvariantCulture),
            "-hls_flags", "omit_endlist+independent_segments+temp_file",
            "-hls_segment_filename", Folder.SegmentPattern("ts"),
            Folder.FileOf(SegmenterPlaylist.FileName),
        ]);
        return args;
    }

    private void AddVideoEncoding(List<string> args)
    {
        var request = Request;
        var hardware = ChosenHardware;
        var encoder = request.VideoCodec ?? hardware?.H264Encoder ?? "libx264";
        args.AddRange(["-c:v", encoder]);
        if (request.Preset is { } preset)
        {
            args.AddRange(["-preset", preset]);
        }
        else if (hardware is not null)
        {
            args.AddRange(hardware.EncoderArguments);
        }
        else if (encoder is "libx264" or "libx265")
        {
            args.AddRange(["-preset", "veryfast"]);
        }

        if (request.VideoBitrate is { } bitrate)
        {
            // The reference appends "k" to whatever it gets; a bare number keeps that meaning.
            args.AddRange(["-b:v", char.IsDigit(bitrate[^1]) ? bitrate + "k" : bitrate]);
        }

        if (request.VideoResolution is { } resolution)
        {
            // GPU frames need the GPU's scaler: the software one fails on them (seed-spec §8.1 [WEAK]).
            var size = resolution.Split(':');
            args.AddRange(["-vf", hardware?.ScaleFilter(int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture)) ?? "scale=" + resolution]);
        }

        // Keyframes on the segment grid and closed GOPs: every segment starts with an IDR frame and lasts what the playlist says.
        args.AddRange(
        [
            "-force_key_frames", "expr:gte(t,n_forced*" + Number(request.SegmentDuration) + ")",
            "-sc_threshold", "0", "-flags", "+cgop",
        ]);
    }

    private void AddAudioEncoding(List<string> args)
    {
        var request = Request;
        args.AddRange(["-c:a", request.AudioCodec ?? "aac", "-b:a", Number(request.AudioBitrate) + "k", "-ar", "48000", "-ac", "2"]);
        if (request.DurationSeconds > 0)
        {
            // A short audio track would end the programme early or desync the next one.
            args.AddRange(["-af", "apad"]);
        }
    }

    /// <summary>The probe's hardware, when this programme transcodes and names neither an encoder nor a <c>hwaccel</c>.</summary>
    private HardwareAcceleration? ChosenHardware
        => Request is { Transcode: true, VideoCodec: null, HwAccel: null } && Hardware is { Available: true } hardware ? hardware : null;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
