using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Transcoding;

/// <summary>What <c>/streams/{id}</c> shows of a running transcoder: state, pid, restarts, media info, its HLS folder.</summary>
internal sealed class TranscodeSession
{
    private volatile FfmpegProcess? _process;

    public TranscodeSession(string streamId, string profile, HlsOutputDirectory? hls)
    {
        StreamId = streamId;
        Profile = profile;
        Hls = hls;
    }

    public string StreamId { get; }

    public string Profile { get; }

    public HlsOutputDirectory? Hls { get; }

    /// <summary><c>starting</c>, <c>running</c>, <c>restarting</c>, <c>stopped</c> or <c>failed</c>.</summary>
    public string State { get; set; } = "starting";

    public int Restarts { get; set; }

    public string? LastError { get; set; }

    public FfmpegProcess? Process
    {
        get => _process;
        set => _process = value;
    }

    /// <summary>A transcoded stream nobody watches (no process), or null for a plain stream.</summary>
    public static JsonObject? DescribeIdle(Streams.StreamDefinition definition) => definition switch
    {
        { Transcode: { } spec } => new JsonObject { ["profile"] = spec.Profile, ["output_mode"] = spec.OutputMode, ["ffmpeg_state"] = "idle" },
        { Resolver: { } resolver } => new JsonObject { ["resolver"] = resolver.Resolver, ["resolver_args"] = resolver.ArgumentText },
        _ => null,
    };

    public JsonObject Describe()
    {
        var process = _process;
        return new JsonObject
        {
            ["profile"] = Profile,
            ["output_mode"] = Hls is null ? "direct" : "hls",
            ["ffmpeg_state"] = State,
            ["ffmpeg_pid"] = process is { HasExited: false } ? process.Id : null,
            ["restarts"] = Restarts,
            ["last_error"] = LastError ?? process?.LastError,
            ["media_info"] = process?.MediaInfo.Input(),
            ["output_media_info"] = process?.MediaInfo.Output(),
        };
    }
}

/// <summary>The running transcoders by stream id: for <c>/streams/{id}</c> and the HLS output routes.</summary>
internal sealed class TranscodeSessions
{
    private readonly ConcurrentDictionary<string, TranscodeSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _relayedSegments = new(StringComparer.Ordinal);

    public void Add(TranscodeSession session) => _sessions[session.StreamId] = session;

    public void Remove(TranscodeSession session) => _sessions.TryRemove(new KeyValuePair<string, TranscodeSession>(session.StreamId, session));

    public bool TryGet(string streamId, out TranscodeSession session) => _sessions.TryGetValue(streamId, out session!);

    /// <summary>
    /// Notes the last segment of another instance's transcoder that this one passed on: a
    /// transcoder started here when that one is gone continues its numbering (and its players' media sequence).
    /// </summary>
    public void NoteRelayedSegment(string streamId, long number) => _relayedSegments.AddOrUpdate(streamId, number, (_, seen) => Math.Max(seen, number));

    /// <summary>The segment number a transcoder starting here continues from (0 when none was passed on); taken once.</summary>
    public long TakeContinuation(string streamId) => _relayedSegments.TryRemove(streamId, out var last) ? last + 1 : 0;

    public void ForgetRelayed(string streamId) => _relayedSegments.TryRemove(streamId, out _);

    /// <summary>Running ffmpeg processes (for tests and stats).</summary>
    public int RunningProcesses => _sessions.Values.Count(s => s.Process is { HasExited: false });
}
