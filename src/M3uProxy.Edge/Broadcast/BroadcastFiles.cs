using System.Globalization;
using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// Where a network's files live and which names may be served: network ids and segment names are
/// checked before any path is built, so no request can reach a file outside the network's own
/// folder (the reference reduced names to their basename; this proxy refuses anything but plain
/// names). Answers never contain a server path: folders are named relative to the broadcast folder.
/// </summary>
internal static partial class BroadcastFiles
{
    public const string PlaylistName = "live.m3u8";
    public const string DirectoryPrefix = "broadcast_";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex PlainName();

    [GeneratedRegex(@"^live(?<n>[0-9]{6,18})\.ts$")]
    private static partial Regex SegmentPattern();

    /// <summary>Letters, digits, <c>_ . -</c> (not first), at most 128 characters, never <c>..</c>.</summary>
    public static bool IsValidNetworkId(string networkId)
        => PlainName().IsMatch(networkId) && !networkId.Contains("..", StringComparison.Ordinal);

    /// <summary><c>broadcast_&lt;id&gt;</c>: the folder name, also what answers show as <c>hls_dir</c>.</summary>
    public static string DirectoryName(string networkId) => DirectoryPrefix + networkId;

    public static string DirectoryOf(BroadcastOptions options, string networkId, bool dvr)
        => Path.Combine(dvr ? options.DvrDirectory : options.BroadcastDirectory, DirectoryName(networkId));

    public static bool TryParseSegmentNumber(string name, out long number)
    {
        var match = SegmentPattern().Match(name);
        number = 0;
        return match.Success && long.TryParse(match.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>What a segment name asks for: a servable <c>.ts</c> name, a name that can never be served, or an attack.</summary>
    public static SegmentNameCheck CheckSegmentName(string name)
    {
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.AsSpan().IndexOfAny('/', '\\', '%') >= 0 || !PlainName().IsMatch(name))
        {
            return SegmentNameCheck.Invalid;
        }

        return name.EndsWith(".ts", StringComparison.Ordinal) ? SegmentNameCheck.Servable : SegmentNameCheck.NotASegment;
    }

    /// <summary>The highest <c>liveNNNNNN.ts</c> number in <paramref name="directory"/>, or null.</summary>
    public static long? HighestSegmentNumber(string directory)
    {
        long? highest = null;
        foreach (var file in SafeEnumerate(directory, "live*.ts"))
        {
            if (TryParseSegmentNumber(Path.GetFileName(file), out var number) && (highest is null || number > highest))
            {
                highest = number;
            }
        }

        return highest;
    }

    /// <summary>Removes the segments and playlists of a previous run (a fresh start).</summary>
    public static void ClearMedia(string directory)
    {
        foreach (var file in SafeEnumerate(directory, "*"))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".ts", StringComparison.Ordinal) || name.Contains(".m3u8", StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                TryDelete(file);
            }
        }
    }

    public static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Deletes a whole folder, whatever it holds. False when it could not.</summary>
    public static bool TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static IEnumerable<string> SafeEnumerate(string directory, string pattern)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.GetFiles(directory, pattern) : [];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a playlist.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}

internal enum SegmentNameCheck
{
    Servable,
    NotASegment,
    Invalid,
}
