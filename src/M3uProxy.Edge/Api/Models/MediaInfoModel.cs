using System.Text.Json.Serialization;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.Api.Models;

/// <summary>
/// <c>media_info</c> of a stream: the reference's field names (<c>container</c>, <c>video_codec</c>,
/// <c>resolution</c> as <c>WxH</c>, <c>fps</c>, <c>audio_codec</c>, <c>audio_channels</c>,
/// <c>bitrate_kbps</c>) plus what the scanner reads beyond them. Unknown fields are left out, so
/// a stream nobody watches answers <c>{}</c> as the reference does for plain streams.
/// </summary>
internal sealed record MediaInfoModel(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Container,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VideoCodec,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VideoProfile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VideoLevel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Resolution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Fps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AudioCodec,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AudioProfile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AudioChannels,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SampleRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BitrateKbps)
{
    public static MediaInfoModel Empty { get; } = new(null, null, null, null, null, null, null, null, null, null, null, null, null);

    public static MediaInfoModel From(MediaInfo? info)
    {
        if (info is null)
        {
            return Empty;
        }

        var video = info.Video;
        var sized = video is { Width: > 0, Height: > 0 };
        var audio = info.Audio;
        return new MediaInfoModel(
            Container: info.Container,
            VideoCodec: video?.Codec,
            VideoProfile: video?.Profile,
            VideoLevel: video?.Level,
            Resolution: sized ? info.Resolution : null,
            Width: sized ? video!.Value.Width : null,
            Height: sized ? video!.Value.Height : null,
            Fps: info.Fps,
            AudioCodec: audio?.Codec,
            AudioProfile: audio?.Profile,
            AudioChannels: audio is { Channels: > 0 } ? audio.Value.Channels : null,
            SampleRate: audio is { SampleRate: > 0 } ? audio.Value.SampleRate : null,
            BitrateKbps: info.BitrateKbps);
    }
}
