using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using M3uProxy.Edge.Api.Validation;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// The body of <c>POST /broadcast/{network_id}/start</c> (seed-spec §13.1), with the reference's
/// defaults. Every value that reaches ffmpeg's argv is checked here: URLs are http(s) only, codec,
/// preset and hardware names are plain words, bitrate and resolution are numbers, and header
/// names and values lose CR/LF.
/// </summary>
internal sealed partial record BroadcastStartRequest
{
    public const int MaxSegmentDuration = 60;
    public const int MaxListSize = 10_000;

    public required string StreamUrl { get; init; }

    public int SeekSeconds { get; init; }

    /// <summary>0 = until the source ends.</summary>
    public int DurationSeconds { get; init; }

    public int SegmentStartNumber { get; init; }

    public bool AddDiscontinuity { get; init; }

    public int SegmentDuration { get; init; } = 6;

    public int HlsListSize { get; init; } = 20;

    public bool Transcode { get; init; }

    /// <summary>An ffmpeg bitrate (<c>2500k</c>, <c>3M</c>); a bare number means kbit/s as in the reference.</summary>
    public string? VideoBitrate { get; init; }

    public int AudioBitrate { get; init; } = 192;

    /// <summary><c>W:H</c> for the scale filter.</summary>
    public string? VideoResolution { get; init; }

    public string? VideoCodec { get; init; }

    public string? AudioCodec { get; init; }

    public string? Preset { get; init; }

    public string? HwAccel { get; init; }

    public string? CallbackUrl { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public bool DvrMode { get; init; }

    public JsonObject? Metadata { get; init; }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.]{0,39}$")]
    private static partial Regex Word();

    [GeneratedRegex(@"^[0-9]{1,7}(\.[0-9]{1,3})?[kKmM]?$")]
    private static partial Regex Bitrate();

    [GeneratedRegex(@"^(?<w>-?[0-9]{1,5})[:x](?<h>-?[0-9]{1,5})$")]
    private static partial Regex Resolution();

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")]
    private static partial Regex HeaderName();

    /// <summary>Reads every field, collecting all validation errors; null when there are any.</summary>
    public static BroadcastStartRequest? Read(BodyValidator body)
    {
        var streamUrl = body.RequiredUrl("stream_url");
        var seek = body.OptionalInt("seek_seconds", minimum: 0) ?? 0;
        var duration = body.OptionalInt("duration_seconds", minimum: 0) ?? 0;
        var startNumber = body.OptionalInt("segment_start_number", minimum: 0) ?? 0;
        var discontinuity = body.OptionalBool("add_discontinuity") ?? false;
        var segmentDuration = Bounded(body, "segment_duration", 1, MaxSegmentDuration) ?? 6;
        var listSize = Bounded(body, "hls_list_size", 1, MaxListSize) ?? 20;
        var transcode = body.OptionalBool("transcode") ?? false;
        var videoBitrate = Checked(body, "video_bitrate", Bitrate(), "video_bitrate must be a bitrate such as 2500 (kbit/s), 2500k or 3M");
        var audioBitrate = Bounded(body, "audio_bitrate", 8, 1536) ?? 192;
        var resolution = ReadResolution(body);
        var videoCodec = Checked(body, "video_codec", Word(), "video_codec must be an encoder name");
        var audioCodec = Checked(body, "audio_codec", Word(), "audio_codec must be an encoder name");
        var preset = Checked(body, "preset", Word(), "preset must be a preset name");
        var hwaccel = Checked(body, "hwaccel", Word(), "hwaccel must be a hardware acceleration name");
        var callbackUrl = body.OptionalUrl("callback_url");
        var headers = ReadHeaders(body);
        var dvr = body.OptionalBool("dvr_mode") ?? false;
        var metadata = ReadMetadata(body);

        return body.HasErrors || streamUrl is null
            ? null
            : new BroadcastStartRequest
            {
                StreamUrl = streamUrl,
                SeekSeconds = seek,
                DurationSeconds = duration,
                SegmentStartNumber = startNumber,
                AddDiscontinuity = discontinuity,
                SegmentDuration = segmentDuration,
                HlsListSize = listSize,
                Transcode = transcode,
                VideoBitrate = videoBitrate,
                AudioBitrate = audioBitrate,
                VideoResolution = resolution,
                VideoCodec = videoCodec,
                AudioCodec = audioCodec,
                Preset = preset,
                HwAccel = hwaccel,
                CallbackUrl = callbackUrl,
                Headers = headers,
                DvrMode = dvr,
                Metadata = metadata,
            };
    }

    /// <summary>Removes CR and LF, which would end a header line early (header injection), and trims.</summary>
    public static string StripLineBreaks(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();

    private static int? Bounded(BodyValidator body, string name, int minimum, int maximum)
    {
        var value = body.OptionalInt(name, minimum);
        if (value > maximum)
        {
            body.Error("less_than_equal", $"Input should be less than or equal to {maximum}", JsonValue.Create(value.Value), name);
            return null;
        }

        return value;
    }

    private static string? Checked(BodyValidator body, string name, Regex pattern, string message)
    {
        var value = body.OptionalString(name)?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!pattern.IsMatch(value))
        {
            body.ValueError(name, message, JsonValue.Create(value));
            return null;
        }

        return value;
    }

    private static string? ReadResolution(BodyValidator body)
    {
        var value = body.OptionalString("video_resolution")?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var match = Resolution().Match(value);
        if (!match.Success)
        {
            body.ValueError("video_resolution", "video_resolution must be WIDTH:HEIGHT, such as 1280:720", JsonValue.Create(value));
            return null;
        }

        return match.Groups["w"].Value + ":" + match.Groups["h"].Value;
    }

    private static List<KeyValuePair<string, string>> ReadHeaders(BodyValidator body)
    {
        // Values may be strings, numbers or booleans, stringified as the reference does.
        var map = body.OptionalMetadata("headers");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (rawName, rawValue) in map ?? [])
        {
            var name = StripLineBreaks(rawName);
            if (!HeaderName().IsMatch(name))
            {
                body.ValueError("headers", $"invalid header name '{name}'", JsonValue.Create(rawName));
                continue;
            }

            headers.Add(new(name, StripLineBreaks(rawValue)));
        }

        return headers;
    }

    private static JsonObject? ReadMetadata(BodyValidator body)
    {
        if (!body.TryGetField("metadata", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            body.Error("dict_type", "Input should be a valid dictionary", BodyValidator.ToNode(value), "metadata");
            return null;
        }

        return BodyValidator.ToNode(value) as JsonObject;
    }
}
