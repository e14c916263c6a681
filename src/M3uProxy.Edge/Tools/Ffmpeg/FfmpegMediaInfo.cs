using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Tools.Ffmpeg;

/// <summary>
/// What ffmpeg's own stderr says about its input and output (the <c>Input #0</c> / <c>Output #0</c>
/// stream lines and the <c>-progress</c> key=value lines), with the reference's newer field names:
/// container, video_codec, resolution (WxH), audio_codec, audio_channels, bitrate_kbps, fps, frame,
/// speed. Never a second connection to the provider.
/// </summary>
internal sealed partial class FfmpegMediaInfo
{
    private readonly Lock _gate = new();
    private readonly MediaSide _input = new();
    private readonly MediaSide _output = new();
    private MediaSide? _current;
    private long _frame;
    private double? _fps;
    private double? _speed;
    private double? _bitrateKbps;
    private long _outTimeMicroseconds;

    /// <summary>Output time reached, from <c>out_time_us</c>.</summary>
    public TimeSpan OutputTime => TimeSpan.FromMicroseconds(Interlocked.Read(ref _outTimeMicroseconds));

    public void OnLine(string line)
    {
        line = WithoutPrefixes(line);
        lock (_gate)
        {
            if (line.StartsWith("Input #", StringComparison.Ordinal))
            {
                _current = _input;
                _input.Container = ContainerOf(line);
            }
            else if (line.StartsWith("Output #", StringComparison.Ordinal))
            {
                _current = _output;
                _output.Container = ContainerOf(line);
            }
            else if (_current is not null && StreamLine().Match(line) is { Success: true } stream)
            {
                ReadStream(_current, stream.Groups[1].Value, stream.Groups[2].Value);
            }
            else if (_current is not null && line.TrimStart().StartsWith("Duration:", StringComparison.Ordinal) && BitrateInDuration().Match(line) is { Success: true } total)
            {
                _current.BitrateKbps = double.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals && !line.Contains(' ', StringComparison.Ordinal))
            {
                ReadProgress(line[..equals], line[(equals + 1)..]);
            }
        }
    }

    public JsonObject? Input()
    {
        lock (_gate)
        {
            return _input.Container is null ? null : _input.ToFields(null, null, null, null);
        }
    }

    public JsonObject? Output()
    {
        lock (_gate)
        {
            return _output.Container is null ? null : _output.ToFields(_bitrateKbps, _fps, _frame, _speed);
        }
    }

    // "[info] Input #0, …" and "[mpegts @ 0x55] [warning] …": the level and context tags go.
    private static string WithoutPrefixes(string line)
    {
        for (var i = 0; i < 2 && line.StartsWith('[') && line.IndexOf("] ", StringComparison.Ordinal) is > 0 and var end; i++)
        {
            line = line[(end + 2)..];
        }

        return line;
    }

    private void ReadProgress(string key, string value)
    {
        switch (key)
        {
            case "frame" when long.TryParse(value, CultureInfo.InvariantCulture, out var frame):
                _frame = frame;
                break;
            case "fps" when double.TryParse(value, CultureInfo.InvariantCulture, out var fps):
                _fps = fps;
                break;
            case "bitrate" when value.EndsWith("kbits/s", StringComparison.Ordinal) && double.TryParse(value[..^7], CultureInfo.InvariantCulture, out var kbps):
                _bitrateKbps = kbps;
                break;
            case "speed" when value.EndsWith('x') && double.TryParse(value[..^1], CultureInfo.InvariantCulture, out var speed):
                _speed = speed;
                break;
            case "out_time_us" when long.TryParse(value, CultureInfo.InvariantCulture, out var us) && us > 0:
                Interlocked.Exchange(ref _outTimeMicroseconds, us);
                break;
        }
    }

    private static void ReadStream(MediaSide side, string kind, string details)
    {
        var codec = CodecName().Match(details).Value;
        if (kind == "Video" && side.VideoCodec is null)
        {
            side.VideoCodec = codec;
            if (Resolution().Match(details) is { Success: true } size)
            {
                side.Resolution = $"{size.Groups[1].Value}x{size.Groups[2].Value}";
            }

            if (FrameRate().Match(details) is { Success: true } rate)
            {
                side.Fps = double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        else if (kind == "Audio" && side.AudioCodec is null)
        {
            side.AudioCodec = codec;
            side.AudioChannels = details.Contains("mono", StringComparison.Ordinal) ? 1
                : details.Contains("stereo", StringComparison.Ordinal) ? 2
                : details.Contains("5.1", StringComparison.Ordinal) ? 6
                : details.Contains("7.1", StringComparison.Ordinal) ? 8
                : null;
        }
    }

    // "Input #0, mpegts, from 'pipe:0':" → mpegts
    private static string ContainerOf(string line)
    {
        var parts = line.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length > 1 ? parts[1] : "unknown";
    }

    [GeneratedRegex(@"^\s*Stream #\d+:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio): (.*)$")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@"^[A-Za-z0-9_]+")]
    private static partial Regex CodecName();

    [GeneratedRegex(@"\b(\d{2,5})x(\d{2,5})\b")]
    private static partial Regex Resolution();

    [GeneratedRegex(@"\b(\d+(?:\.\d+)?) fps\b")]
    private static partial Regex FrameRate();

    [GeneratedRegex(@"bitrate: (\d+(?:\.\d+)?) kb/s")]
    private static partial Regex BitrateInDuration();

    private sealed class MediaSide
    {
        public string? Container { get; set; }

        public string? VideoCodec { get; set; }

        public string? Resolution { get; set; }

        public string? AudioCodec { get; set; }

        public int? AudioChannels { get; set; }

        public double? BitrateKbps { get; set; }

        public double? Fps { get; set; }

        public JsonObject ToFields(double? bitrateKbps, double? fps, long? frame, double? speed)
        {
            var fields = new JsonObject
            {
                ["container"] = Container,
                ["video_codec"] = VideoCodec,
                ["resolution"] = Resolution,
                ["audio_codec"] = AudioCodec,
                ["audio_channels"] = AudioChannels,
                ["bitrate_kbps"] = bitrateKbps ?? BitrateKbps,
                ["fps"] = fps ?? Fps,
            };
            if (frame is not null)
            {
                fields["frame"] = frame;
                fields["speed"] = speed;
            }

            return fields;
        }
    }
}
