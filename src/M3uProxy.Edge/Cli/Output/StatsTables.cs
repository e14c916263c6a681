using M3uProxy.Edge.Api.Models;

namespace M3uProxy.Edge.Cli.Output;

/// <summary>The stream and client tables <c>list</c>, <c>info</c>, <c>stats</c> and <c>monitor</c> share.</summary>
internal static class StatsTables
{
    private const int UrlWidth = 72;
    private const int UserAgentWidth = 32;
    private const int ShortIdLength = 12;

    /// <summary>
    /// The streams table; <paramref name="rate"/> adds a RATE column (bandwidth), <paramref name="shortIds"/>
    /// shows the first 12 characters of each id (monitor's narrow view).
    /// </summary>
    public static void WriteStreams(TextWriter writer, IReadOnlyList<StreamStats>? streams, Func<StreamStats, double>? rate = null, bool shortIds = false)
    {
        if (streams is null || streams.Count == 0)
        {
            writer.WriteLine("No streams.");
            return;
        }

        var table = rate is null
            ? new TextTable("STREAM ID", "TYPE", "STATE", "CLIENTS", "SERVED", "URL").AlignRight(3, 4)
            : new TextTable("STREAM ID", "TYPE", "STATE", "CLIENTS", "SERVED", "RATE", "MEDIA", "URL").AlignRight(3, 4, 5);
        foreach (var stream in streams)
        {
            List<string> cells =
            [
                shortIds ? ShortId(stream.StreamId) : stream.StreamId ?? "-",
                stream.StreamType ?? "-",
                SourceState(stream),
                HumanFormat.Number(stream.ClientCount),
                HumanFormat.Bytes(stream.TotalBytesServed),
            ];
            if (rate is not null)
            {
                cells.Add(HumanFormat.BitRate(rate(stream)));
                cells.Add(Media(stream.MediaInfo, full: false));
            }

            cells.Add(HumanFormat.Shorten(HumanFormat.Url(stream.CurrentUrl ?? stream.OriginalUrl), UrlWidth));
            table.Add([.. cells]);
        }

        table.Write(writer);
    }

    /// <summary>The clients table; connection times are durations up to <paramref name="now"/>.</summary>
    public static void WriteClients(TextWriter writer, IReadOnlyList<ClientStats>? clients, DateTimeOffset now, Func<ClientStats, double>? rate = null)
    {
        if (clients is null || clients.Count == 0)
        {
            writer.WriteLine("No clients connected.");
            return;
        }

        var table = rate is null
            ? new TextTable("CLIENT ID", "STREAM", "IP", "USER AGENT", "SERVED", "CONNECTED").AlignRight(4, 5)
            : new TextTable("CLIENT ID", "STREAM", "IP", "USER AGENT", "SERVED", "RATE", "CONNECTED").AlignRight(4, 5, 6);
        foreach (var client in clients)
        {
            List<string> cells =
            [
                client.ClientId ?? "-",
                ShortId(client.StreamId),
                client.IpAddress ?? "-",
                HumanFormat.Shorten(client.UserAgent ?? "-", UserAgentWidth),
                HumanFormat.Bytes(client.BytesServed),
            ];
            if (rate is not null)
            {
                cells.Add(HumanFormat.BitRate(rate(client)));
            }

            cells.Add(HumanFormat.TryParseTime(client.CreatedAt, out var since) ? HumanFormat.Duration((long)(now - since).TotalSeconds) : "-");
            table.Add([.. cells]);
        }

        table.Write(writer);
    }

    /// <summary>One line of totals: uptime, streams, clients, bytes served (and the bandwidth when known).</summary>
    public static void WriteSummary(TextWriter writer, FullStatsResponse stats, double? rate = null)
    {
        var line = $"uptime {HumanFormat.Duration(stats.UptimeSeconds)}, streams {stats.TotalStreams} ({stats.ActiveStreams} active), "
            + $"clients {stats.ActiveClients} connected, served {HumanFormat.Bytes(stats.TotalBytesServed)}";
        writer.WriteLine(rate is { } bytesPerSecond ? $"{line}, {HumanFormat.BitRate(bytesPerSecond)}" : line);
    }

    /// <summary>The live source's state (idle, connecting, streaming, retrying, failing_over, failed); "-" from a server that does not send it.</summary>
    /// <summary>
    /// A stream's media info in one line: "h264 640x360 25 fps, aac 2 ch" (monitor), or with profile,
    /// level, sample rate and bitrate (<paramref name="full"/>, info); "-" when nothing is known.
    /// </summary>
    public static string Media(MediaInfoModel? media, bool full)
    {
        if (media is null || (media.VideoCodec is null && media.AudioCodec is null))
        {
            return "-";
        }

        var video = Join(
            media.VideoCodec,
            full ? media.VideoProfile : null,
            full && media.VideoLevel is { } level ? "L" + level : null,
            media.Resolution,
            media.Fps is { } fps ? $"{fps.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} fps" : null);
        var audio = Join(
            media.AudioCodec,
            full ? media.AudioProfile : null,
            media.AudioChannels is { } channels ? $"{channels} ch" : null,
            full && media.SampleRate is { } rate ? $"{rate} Hz" : null);
        var bitrate = full && media.BitrateKbps is { } kbps ? $"{HumanFormat.Number(kbps)} kbit/s" : null;
        return string.Join(", ", new[] { video, audio, bitrate }.Where(part => !string.IsNullOrEmpty(part)));
    }

    private static string Join(params string?[] parts) => string.Join(' ', parts.Where(part => !string.IsNullOrEmpty(part)));

    public static string SourceState(StreamStats stream) => stream.SourceState is { Length: > 0 } state ? state : "-";

    private static string ShortId(string? id) => id is null ? "-" : id.Length <= ShortIdLength ? id : id[..ShortIdLength];
}
