using System.Collections.Concurrent;

namespace M3uProxy.Edge.Testing;

/// <summary>
/// Real media encoded by ffmpeg once per machine and cached under <see cref="CacheFolder"/>.
/// Each artifact is produced under a unique temporary name and moved into place atomically, so
/// concurrent test processes never see a half-written file (the loser of a race just discards its copy).
/// </summary>
public static class TestMedia
{
    // Bump when the encoding arguments change so stale caches are not reused.
    private const string Version = "v1";
    private static readonly TimeSpan _ffmpegTimeout = TimeSpan.FromMinutes(3);
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);

    private static readonly string[] _sourceArguments =
    [
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
    ];

    public static string CacheFolder { get; } = Path.Combine(Path.GetTempPath(), "m3uproxy-test-media");

    /// <summary>The ffmpeg binary: <c>FFMPEG_PATH</c> if set, else <c>ffmpeg</c> from PATH.</summary>
    public static string FfmpegPath => Environment.GetEnvironmentVariable("FFMPEG_PATH") is { Length: > 0 } path ? path : "ffmpeg";

    /// <summary>About 10 s of 320x240 H.264 + AAC in MPEG-TS.</summary>
    public static Task<string> GetTsFileAsync() => Once($"testsrc-{Version}.ts", target => RunFfmpegAsync([.. _sourceArguments, "-f", "mpegts", target]));

    /// <summary>Like <see cref="GetTsFileAsync"/>, but its audio is digital silence (for silence detection).</summary>
    public static Task<string> GetSilentTsFileAsync() => Once($"testsrc-silent-{Version}.ts", target => RunFfmpegAsync(
    [
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=48000",
        "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-f", "mpegts", target,
    ]));

    /// <summary>The GOP of the long-GOP sources: a keyframe every 4 s, as many live channels send.</summary>
    public static readonly TimeSpan LongGop = TimeSpan.FromSeconds(4);

    /// <summary>
    /// 12 s of 640x360 H.264 (High, cropped from 368 coded lines) + stereo AAC at 44.1 kHz, 25 fps,
    /// a keyframe exactly every 4 s (no scene-cut keyframes): for joins, media info and packaging.
    /// </summary>
    public static Task<string> GetLongGopTsFileAsync() => Once($"gop4-h264-aac-{Version}.ts", target => RunFfmpegAsync(
    [
        "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100",
        "-t", "12", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-g", "100", "-keyint_min", "100", "-sc_threshold", "0", "-b:v", "1500k",
        "-c:a", "aac", "-ac", "2", "-f", "mpegts", target,
    ]));

    /// <summary>8 s of 320x240 HEVC (Main, 4 s GOP, 25 fps) + 5.1 AC-3 at 48 kHz.</summary>
    public static Task<string> GetHevcAc3TsFileAsync() => Once($"gop4-hevc-ac3-{Version}.ts", target => RunFfmpegAsync(
    [
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", "8", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=100:min-keyint=100:scenecut=0",
        "-c:a", "ac3", "-ac", "6", "-f", "mpegts", target,
    ]));

    /// <summary>8 s of 352x288 MPEG-2 video (29.97 fps, 1 s GOP) + mono MP2 at 32 kHz.</summary>
    public static Task<string> GetMpeg2Mp2TsFileAsync() => Once($"mpeg2-mp2-{Version}.ts", target => RunFfmpegAsync(
    [
        "-f", "lavfi", "-i", "testsrc2=size=352x288:rate=30000/1001",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=32000",
        "-t", "8", "-c:v", "mpeg2video", "-g", "30", "-c:a", "mp2", "-ac", "1", "-f", "mpegts", target,
    ]));

    /// <summary>The same content as <see cref="GetTsFileAsync"/> in a faststart MP4.</summary>
    public static Task<string> GetMp4FileAsync() => Once($"testsrc-{Version}.mp4", target => RunFfmpegAsync([.. _sourceArguments, "-movflags", "+faststart", "-f", "mp4", target]));

    /// <summary>A VOD HLS folder (<c>index.m3u8</c> + <c>seg_NNN.ts</c>, 2 s segments) cut from the TS file.</summary>
    public static Task<string> GetHlsFolderAsync() => Once($"hls-{Version}", async target =>
    {
        var ts = await GetTsFileAsync();
        Directory.CreateDirectory(target);
        await RunFfmpegAsync(
        [
            "-i", ts, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
            "-hls_segment_filename", Path.Combine(target, "seg_%03d.ts"), Path.Combine(target, "index.m3u8"),
        ]);
    });

    /// <summary>
    /// A VOD HLS folder encrypted with AES-128 (<c>index.m3u8</c> with <c>EXT-X-KEY</c> pointing at the
    /// relative <c>key.bin</c>, <c>enc_NNN.ts</c>, and <c>key.bin</c> itself).
    /// </summary>
    public static Task<string> GetEncryptedHlsFolderAsync() => Once($"hls-aes-{Version}", async target =>
    {
        var ts = await GetTsFileAsync();
        Directory.CreateDirectory(target);
        var key = Path.Combine(target, "key.bin");
        File.WriteAllBytes(key, [.. Enumerable.Range(1, 16).Select(i => (byte)(i * 7))]);
        var keyInfo = Path.Combine(Path.GetTempPath(), $"keyinfo-{Guid.NewGuid():N}.txt");
        File.WriteAllText(keyInfo, $"key.bin\n{key}\n");
        try
        {
            await RunFfmpegAsync(
            [
                "-i", ts, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_key_info_file", keyInfo,
                "-hls_segment_filename", Path.Combine(target, "enc_%03d.ts"), Path.Combine(target, "index.m3u8"),
            ]);
        }
        finally
        {
            File.Delete(keyInfo);
        }
    });

    /// <summary>A VOD fMP4/CMAF HLS folder: <c>index.m3u8</c> with <c>EXT-X-MAP</c> (<c>init.mp4</c>) and <c>frag_NNN.m4s</c>.</summary>
    public static Task<string> GetFmp4HlsFolderAsync() => Once($"hls-fmp4-{Version}", async target =>
    {
        var ts = await GetTsFileAsync();
        Directory.CreateDirectory(target);
        await RunFfmpegAsync(
        [
            "-i", ts, "-c", "copy", "-bsf:a", "aac_adtstoasc", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", Path.Combine(target, "frag_%03d.m4s"), Path.Combine(target, "index.m3u8"),
        ]);
    });

    /// <summary>A VOD HLS folder of one file addressed by byte ranges: <c>index.m3u8</c> with <c>EXT-X-BYTERANGE</c>, and <c>index.ts</c>.</summary>
    public static Task<string> GetByteRangeHlsFolderAsync() => Once($"hls-byterange-{Version}", async target =>
    {
        var ts = await GetTsFileAsync();
        Directory.CreateDirectory(target);
        await RunFfmpegAsync(
        [
            "-i", ts, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_flags", "single_file",
            Path.Combine(target, "index.m3u8"),
        ]);
    });

    /// <summary>Runs ffmpeg quietly; throws with its stderr when it is missing, fails or hangs.</summary>
    public static async Task RunFfmpegAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await ToolProcess.RunAsync(FfmpegPath, ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", .. arguments], _ffmpegTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed with exit code {result.ExitCode}: {string.Join(' ', arguments)}\n{result.StandardError}");
        }
    }

    private static async Task<string> Once(string name, Func<string, Task> produce)
    {
        var lazy = _inFlight.GetOrAdd(name, key => new Lazy<Task<string>>(() => ProduceAsync(key, produce)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            // Let a later caller retry instead of caching the failure forever.
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(name, lazy));
            throw;
        }
    }

    private static async Task<string> ProduceAsync(string name, Func<string, Task> produce)
    {
        var final = Path.Combine(CacheFolder, name);
        var isFolder = Path.GetExtension(name).Length == 0;
        if (isFolder ? Directory.Exists(final) : File.Exists(final))
        {
            return final;
        }

        Directory.CreateDirectory(CacheFolder);
        // Keep the extension last: ffmpeg picks the muxer from it unless told otherwise.
        var temporary = Path.Combine(CacheFolder, $"{Path.GetFileNameWithoutExtension(name)}.tmp-{Guid.NewGuid():N}{Path.GetExtension(name)}");
        try
        {
            await produce(temporary);
            if (isFolder)
            {
                try
                {
                    Directory.Move(temporary, final);
                }
                catch (IOException) when (Directory.Exists(final))
                {
                    // Another process won the race; its folder is equivalent.
                }
            }
            else
            {
                File.Move(temporary, final, overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
            else if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return final;
    }
}
