using System.Buffers;
using System.Text;
using System.Text.Unicode;
using M3uProxy.Edge.Media.Hls;

namespace M3uProxy.Edge.Hls;

/// <summary>
/// Maps each URI of an upstream playlist to the proxy's URL for it, in the reference's shapes
/// (seed-spec §5.2), plus a signature: <c>{ROOT_PATH}/hls/{id}/playlist.m3u8?url=…&amp;client_id=…&amp;parent=…&amp;sig=…</c>
/// for child playlists and <c>{ROOT_PATH}/hls/{id}/segment.ts?url=…&amp;client_id=…&amp;sig=…</c>
/// for everything else (Debian's ffmpeg refuses segment paths without a media extension).
/// Relative URIs resolve against the playlist's URL after redirects (RFC 3986). Only http(s)
/// targets are mapped; <c>data:</c> and <c>skd:</c> (FairPlay) URIs carry no fetchable origin and
/// pass unchanged. One instance serves one rewrite; dispose it to return its scratch buffer. Without
/// a client (a <see cref="RewriteTemplate"/>), each client part is left as a hole of the template.
/// </summary>
internal sealed class ChildUrlMapper : IPlaylistUriMapper, IDisposable
{
    private readonly byte[] _base;
    private readonly byte[]? _carriedQuery;
    private readonly byte[] _signedId;
    private readonly byte[] _playlistPrefix;
    private readonly byte[] _segmentPrefix;
    private readonly byte[]? _clientPart;
    private readonly byte[] _parentPart;
    private readonly UrlSigner? _signer;
    private byte[] _scratch;

    /// <param name="rootPath">ROOT_PATH, empty or <c>/segment</c>.</param>
    /// <param name="streamId">The stream whose playlist this is: child URLs name it and are signed for it.</param>
    /// <param name="parentId">The top-level stream (this one, or a variant's parent).</param>
    /// <param name="clientId">The client the URLs are for; null leaves a hole for it (the output is a <see cref="RewriteTemplate.HoleWriter"/>).</param>
    /// <param name="baseUrl">The playlist's URL after redirects.</param>
    /// <param name="carryQuery">Give children without a query the playlist's query (<c>HLS_CARRY_PARENT_QUERY</c>).</param>
    /// <param name="signer">Signs each child URL for <paramref name="streamId"/>; null for a mapper used only to resolve (<see cref="TargetOf"/>).</param>
    public ChildUrlMapper(string rootPath, string streamId, string parentId, string? clientId, string baseUrl, bool carryQuery, UrlSigner? signer)
    {
        _base = Encoding.UTF8.GetBytes(baseUrl);
        var question = baseUrl.IndexOf('?', StringComparison.Ordinal);
        if (carryQuery && question >= 0)
        {
            _carriedQuery = Encoding.UTF8.GetBytes(baseUrl[question..].Split('#')[0]);
        }

        _signedId = Encoding.UTF8.GetBytes(streamId);
        _playlistPrefix = Encoding.UTF8.GetBytes($"{rootPath}/hls/{streamId}/playlist.m3u8?url=");
        _segmentPrefix = Encoding.UTF8.GetBytes($"{rootPath}/hls/{streamId}/segment.ts?url=");
        _clientPart = clientId is null ? null : ClientPart(clientId);
        _parentPart = Encoding.UTF8.GetBytes("&parent=" + parentId);
        _signer = signer;
        _scratch = ArrayPool<byte>.Shared.Rent(4096);
    }

    /// <summary>What each child URL carries for its client: <c>&amp;client_id=…</c>.</summary>
    public static byte[] ClientPart(string clientId) => Encoding.UTF8.GetBytes("&client_id=" + Uri.EscapeDataString(clientId));

    public bool CanMap(ReadOnlySpan<byte> uri) => IsOpaque(uri) || Resolve(uri) > 0;

    public void Write(ReadOnlySpan<byte> uri, PlaylistUriKind kind, IBufferWriter<byte> output)
    {
        if (IsOpaque(uri))
        {
            output.Write(uri);
            return;
        }

        var length = Resolve(uri);
        var target = _scratch.AsSpan(0, length);
        output.Write(kind == PlaylistUriKind.Playlist ? _playlistPrefix : _segmentPrefix);
        var encoded = output.GetSpan(PercentEncoding.MaxEncodedLength(length));
        output.Advance(PercentEncoding.Encode(target, encoded));
        if (_clientPart is null)
        {
            ((RewriteTemplate.HoleWriter)output).MarkHole();
        }
        else
        {
            output.Write(_clientPart);
        }

        if (kind == PlaylistUriKind.Playlist)
        {
            output.Write(_parentPart);
        }

        output.Write("&sig="u8);
        var signature = output.GetSpan(UrlSigner.SignatureLength)[..UrlSigner.SignatureLength];
        (_signer ?? throw new InvalidOperationException("This mapper only resolves")).Sign(_signedId, target, signature);
        output.Advance(UrlSigner.SignatureLength);
    }

    /// <summary>The upstream URL a child URI stands for (resolved, with the carried query); null when it is not http(s).</summary>
    public string? TargetOf(ReadOnlySpan<byte> uri)
    {
        var length = Resolve(uri);
        return length == 0 ? null : Encoding.UTF8.GetString(_scratch, 0, length);
    }

    /// <summary>Resolves into the scratch buffer; the length, or 0 when the result is not an http(s) URL.</summary>
    private int Resolve(ReadOnlySpan<byte> uri)
    {
        var needed = UriResolver.MaxResolvedLength(_base, uri) + (_carriedQuery?.Length ?? 0);
        if (_scratch.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(needed);
        }

        var length = UriResolver.Resolve(_base, uri, _scratch);
        if (length <= 0)
        {
            return 0;
        }

        var resolved = _scratch.AsSpan(0, length);
        var scheme = UriResolver.SchemeOf(resolved);
        if (!Ascii.EqualsIgnoreCase(scheme, "http"u8) && !Ascii.EqualsIgnoreCase(scheme, "https"u8))
        {
            return 0;
        }

        // Not UTF-8 or with control characters: the URL could not come back intact in a query string.
        if (!Utf8.IsValid(resolved) || resolved.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || resolved.Contains((byte)0x7F))
        {
            return 0;
        }

        // "http:/x" or "http:x" have no host to fetch from.
        if (!resolved[(scheme.Length + 1)..].StartsWith("//"u8) || resolved.Length <= scheme.Length + 3)
        {
            return 0;
        }

        if (_carriedQuery is not null && resolved.IndexOf((byte)'?') < 0)
        {
            _carriedQuery.CopyTo(_scratch.AsSpan(length));
            length += _carriedQuery.Length;
        }

        return length;
    }

    private static bool IsOpaque(ReadOnlySpan<byte> uri)
    {
        var scheme = UriResolver.SchemeOf(uri);
        return Ascii.EqualsIgnoreCase(scheme, "data"u8) || Ascii.EqualsIgnoreCase(scheme, "skd"u8);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_scratch);
}
