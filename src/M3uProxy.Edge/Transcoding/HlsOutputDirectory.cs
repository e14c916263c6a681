using System.Text.RegularExpressions;
using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Transcoding;

/// <summary>
/// One transcoder's (or broadcast's) private HLS folder: created under this run's work folder with
/// a random name and owner-only permissions, served only by opaque names (<c>index.m3u8</c>,
/// <c>seg_NNNNNN.ts|m4s</c>, <c>init.mp4</c>) — never a server path, never a <c>file://</c> URL
/// (seed-spec §8.6 [WEAK], §15.1). Deleted with everything in it when disposed; what a crash
/// leaves behind goes at the next start (<see cref="ProcessLedger"/>).
/// </summary>
internal sealed partial class HlsOutputDirectory : IDisposable
{
    public const string PlaylistName = "index.m3u8";

    private HlsOutputDirectory(string path) => Path = path;

    public string Path { get; }

    public string PlaylistPath => System.IO.Path.Combine(Path, PlaylistName);

    public static HlsOutputDirectory Create(ProcessLedger ledger)
    {
        var path = System.IO.Path.Combine(ledger.RunFolder, "hls-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        ProcessLedger.CreatePrivateFolder(path);
        return new HlsOutputDirectory(path);
    }

    /// <summary>True for the names a client may ask for; anything else (paths, dots, other files) is not served.</summary>
    public static bool IsServedName(string name) => ServedName().IsMatch(name);

    /// <summary>The file for a served name, or null when the name is not one or the file is not there (yet, or any more).</summary>
    public FileStream? TryOpen(string name)
    {
        if (!IsServedName(name))
        {
            return null;
        }

        try
        {
            return new FileStream(System.IO.Path.Combine(Path, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The number after the newest segment, for a restarted writer to continue the sequence.</summary>
    public int NextSegmentNumber()
    {
        try
        {
            return Directory.EnumerateFiles(Path, "seg_*")
                .Select(f => int.TryParse(System.IO.Path.GetFileName(f).AsSpan(4, 6), out var n) ? n + 1 : 0)
                .DefaultIfEmpty(0)
                .Max();
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>When a segment or the playlist last changed: the writer's sign of life.</summary>
    public DateTime LastWriteUtc()
    {
        try
        {
            return Directory.EnumerateFiles(Path).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
        }
        catch (DirectoryNotFoundException)
        {
            return DateTime.MinValue;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // A file still being written: the start-up clean-up of the next run takes it.
        }
    }

    [GeneratedRegex(@"^(index\.m3u8|seg_\d{6}\.(ts|m4s)|init\.mp4)$")]
    private static partial Regex ServedName();
}
