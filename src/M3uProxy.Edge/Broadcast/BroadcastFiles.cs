using System.Text.RegularExpressions;
using M3uProxy.Edge.Tools.Ffmpeg;

namespace M3uProxy.Edge.Broadcast;

/// <summary>
/// Where a network's files live and which names may be asked for: network ids and segment names
/// are checked before any path is built, so no request can reach a file outside the network's own
/// folder (the reference reduced names to their basename; this proxy refuses anything but plain
/// names). Answers never contain a server path: folders are named relative to the broadcast folder.
/// The folder itself is ffmpeg's <see cref="HlsOutputDirectory"/>, as for transcoders.
/// </summary>
internal static partial class BroadcastFiles
{
    public const string PlaylistName = "live.m3u8";
    public const string SegmentPrefix = "live";
    public const string DirectoryPrefix = "broadcast_";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex PlainName();

    /// <summary>Letters, digits, <c>_ . -</c> (not first), at most 128 characters, never <c>..</c>.</summary>
    public static bool IsValidNetworkId(string networkId)
        => PlainName().IsMatch(networkId) && !networkId.Contains("..", StringComparison.Ordinal);

    /// <summary><c>broadcast_&lt;id&gt;</c>: the folder name, also what answers show as <c>hls_dir</c>.</summary>
    public static string DirectoryName(string networkId) => DirectoryPrefix + networkId;

    /// <summary>The network's folder under the broadcast (or DVR) folder.</summary>
    public static HlsOutputDirectory FolderOf(BroadcastOptions options, string networkId, bool dvr)
        => FolderAt(Path.Combine(dvr ? options.DvrDirectory : options.BroadcastDirectory, DirectoryName(networkId)));

    /// <summary>A broadcast folder at <paramref name="path"/>: <c>live.m3u8</c> and <c>liveNNNNNN.ts</c>.</summary>
    public static HlsOutputDirectory FolderAt(string path) => HlsOutputDirectory.At(path, PlaylistName, SegmentPrefix);

    public static bool TryParseSegmentNumber(string name, out long number) => HlsOutputDirectory.TryParseSegmentNumber(name, SegmentPrefix, out number);

    /// <summary>What a segment name asks for: a servable <c>.ts</c> name, a name that can never be served, or an attack.</summary>
    public static SegmentNameCheck CheckSegmentName(string name)
    {
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.AsSpan().IndexOfAny('/', '\\', '%') >= 0 || !PlainName().IsMatch(name))
        {
            return SegmentNameCheck.Invalid;
        }

        return name.EndsWith(".ts", StringComparison.Ordinal) ? SegmentNameCheck.Servable : SegmentNameCheck.NotASegment;
    }
}

internal enum SegmentNameCheck
{
    Servable,
    NotASegment,
    Invalid,
}
