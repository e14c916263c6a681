namespace M3uProxy.Edge.Hls;

/// <summary>
/// The child-URL signatures of one rewrite of a cached upstream playlist for one stream, in the
/// order the rewriter met the URIs. The same bytes rewritten for the same stream sign the same
/// targets in the same order (signatures do not depend on the client), so later rewrites copy
/// them instead of computing an HMAC per URI.
/// </summary>
internal sealed class KnownSignatures(string streamId, byte[] signatures)
{
    public string StreamId { get; } = streamId;

    public int Count => signatures.Length / UrlSigner.SignatureLength;

    public ReadOnlySpan<byte> At(int index) => signatures.AsSpan(index * UrlSigner.SignatureLength, UrlSigner.SignatureLength);
}
