using System.Globalization;

namespace M3uProxy.Edge.Tools.Ffmpeg;

/// <summary>
/// A folder ffmpeg's HLS muxer writes into: a transcoder's private folder (random name inside this
/// run's folder, owner-only, deleted with everything in it when disposed) or a broadcast network's
/// named folder (kept across programmes, removed on request). Files are served only by the plain
/// names it knows — its playlist, <c>&lt;prefix&gt;NNNNNN.ts|m4s</c>, <c>init.mp4</c> — and only when they
/// are regular files, never links: never a server path, never a <c>file://</c> URL (seed-spec §8.6
/// [WEAK], §15.1). What a crash leaves behind goes at the next start (<see cref="ProcessLedger"/>
/// for transcoders, the broadcast registry for networks).
/// </summary>
internal sealed class HlsOutputDirectory : IDisposable
{
    public const string InitName = "init.mp4";

    /// <summary>What a transcoder's segment names start with.</summary>
    public const string PrivateSegmentPrefix = "seg_";

    private readonly bool _owned;

    private HlsOutputDirectory(string path, string playlistName, string segmentPrefix, bool owned)
    {
        Path = path;
        PlaylistName = playlistName;
        SegmentPrefix = segmentPrefix;
        _owned = owned;
    }

    /// <summary>The absolute folder: for the file system and ffmpeg's arguments only, never for an answer.</summary>
    public string Path { get; }

    /// <summary>The playlist players get (<c>index.m3u8</c> of a transcoder, <c>live.m3u8</c> of a broadcast).</summary>
    public string PlaylistName { get; }

    /// <summary>What segment names start with (<c>seg_</c>, <c>live</c>), before six or more digits.</summary>
    public string SegmentPrefix { get; }

    public string PlaylistPath => FileOf(PlaylistName);

    /// <summary>A transcoder's folder: a random name under this run's folder, only this user may read it; deleted when disposed.</summary>
    public static HlsOutputDirectory CreatePrivate(ProcessLedger ledger)
    {
        var path = System.IO.Path.Combine(ledger.RunFolder, "hls-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        ProcessLedger.CreatePrivateFolder(path);
        return new HlsOutputDirectory(path, "index.m3u8", PrivateSegmentPrefix, owned: true);
    }

    /// <summary>A named folder (created when ffmpeg starts); disposing it leaves it in place.</summary>
    public static HlsOutputDirectory At(string path, string playlistName, string segmentPrefix) => new(path, playlistName, segmentPrefix, owned: false);

    /// <summary>The full path of a file in the folder.</summary>
    public string FileOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>ffmpeg's <c>-hls_segment_filename</c> pattern for segments with this extension (<c>ts</c>, <c>m4s</c>).</summary>
    public string SegmentPattern(string extension) => FileOf(SegmentPrefix + "%06d." + extension);

    /// <summary>The name of MPEG-TS segment <paramref name="number"/>.</summary>
    public string SegmentName(long number) => SegmentName(SegmentPrefix, number);

    /// <summary><c>&lt;prefix&gt;NNNNNN.ts</c>: the name ffmpeg's <c>%06d</c> pattern gives segment <paramref name="number"/>.</summary>
    public static string SegmentName(string prefix, long number) => prefix + number.ToString("D6", CultureInfo.InvariantCulture) + ".ts";

    public bool TryParseSegmentNumber(string name, out long number) => TryParseSegmentNumber(name, SegmentPrefix, out number);

    /// <summary>The number of a segment name (<paramref name="prefix"/>, 6–18 digits, <c>.ts</c> or <c>.m4s</c>); false for anything else.</summary>
    public static bool TryParseSegmentNumber(string name, string prefix, out long number)
    {
        number = 0;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot is < 6 or > 18 || rest[(dot + 1)..] is not ("ts" or "m4s"))
        {
            return false;
        }

        return long.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>True for the names a client may ask for; anything else (paths, dots, other files) is not served.</summary>
    public bool IsServedName(string name) => name == PlaylistName || name == InitName || TryParseSegmentNumber(name, out _);

    /// <summary>A served file opened for reading, or null when the name is not one, the file is not there (yet, or any more), or it is a link.</summary>
    public FileStream? TryOpen(string name)
    {
        if (!IsServedName(name))
        {
            return null;
        }

        try
        {
            var info = new FileInfo(FileOf(name));
            if (!info.Exists || info.LinkTarget is not null)
            {
                return null;
            }

            return new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The highest segment number on disk, or null when there is none.</summary>
    public long? HighestSegmentNumber()
    {
        long? highest = null;
        foreach (var file in Files(SegmentPrefix + "*"))
        {
            if (TryParseSegmentNumber(System.IO.Path.GetFileName(file), out var number) && (highest is null || number > highest))
            {
                highest = number;
            }
        }

        return highest;
    }

    /// <summary>The number after the newest segment, for a restarted writer to continue the sequence.</summary>
    public long NextSegmentNumber() => HighestSegmentNumber() + 1 ?? 0;

    /// <summary>When a segment or the playlist last changed: the writer's sign of life.</summary>
    public DateTime LastWriteUtc() => Files("*").Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();

    /// <summary>The files matching <paramref name="pattern"/>; none when the folder is missing or unreadable.</summary>
    public IEnumerable<string> Files(string pattern)
    {
        try
        {
            return Directory.Exists(Path) ? Directory.GetFiles(Path, pattern) : [];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void EnsureExists() => Directory.CreateDirectory(Path);

    /// <summary>Removes the segments and playlists of a previous run (a fresh start).</summary>
    public void ClearMedia()
    {
        foreach (var file in Files("*"))
        {
            var name = System.IO.Path.GetFileName(file);
            if (name.EndsWith(".ts", StringComparison.Ordinal) || name.EndsWith(".m4s", StringComparison.Ordinal) || name.Contains(".m3u8", StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                TryDeleteFile(file);
            }
        }
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a file.</summary>
    public void WriteAtomically(string name, string text)
    {
        var path = FileOf(name);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes one file of the folder; false when it could not (gone already counts as done).</summary>
    public bool DeleteFile(string name) => TryDeleteFile(FileOf(name));

    /// <summary>Deletes the whole folder, whatever it holds. False when it could not.</summary>
    public bool Delete()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A file still being written: the start-up clean-up of the next run takes it.
            return false;
        }
    }

    /// <summary>A private folder goes with everything in it; a named one stays.</summary>
    public void Dispose()
    {
        if (_owned)
        {
            Delete();
        }
    }

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
