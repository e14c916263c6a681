using System.Buffers;

namespace M3uProxy.Edge.Media.Hls;

/// <summary>
/// RFC 3986 §5.2 reference resolution over UTF-8 bytes, without allocating: a relative URI of a
/// playlist resolved against the playlist's own URL (after redirects). As the RFC says, a
/// reference with a path does not inherit the base's query; the fragment is dropped (it is never
/// sent to a server).
/// </summary>
public static class UriResolver
{
    /// <summary>An upper bound of the resolved length, for sizing the destination.</summary>
    public static int MaxResolvedLength(ReadOnlySpan<byte> baseUri, ReadOnlySpan<byte> reference) => baseUri.Length + reference.Length + 1;

    /// <summary>
    /// Writes the resolution of <paramref name="reference"/> against <paramref name="baseUri"/>
    /// to <paramref name="destination"/> and returns its length; -1 when the base has no scheme or
    /// the destination is shorter than <see cref="MaxResolvedLength"/>.
    /// </summary>
    public static int Resolve(ReadOnlySpan<byte> baseUri, ReadOnlySpan<byte> reference, Span<byte> destination)
    {
        var b = UriParts.Parse(baseUri);
        if (b.Scheme.IsEmpty || destination.Length < MaxResolvedLength(baseUri, reference))
        {
            return -1;
        }

        var r = UriParts.Parse(reference);
        var writer = new SpanWriter(destination);
        writer.Append(r.Scheme.IsEmpty ? b.Scheme : r.Scheme);
        writer.Append(":"u8);
        // A reference with its own scheme or authority keeps its path as is (§5.2.2).
        if (!r.Scheme.IsEmpty || r.HasAuthority)
        {
            if (r.HasAuthority)
            {
                writer.Append("//"u8);
                writer.Append(r.Authority);
            }

            writer.AppendWithoutDotSegments(r.Path);
            writer.AppendQuery(r.HasQuery, r.Query);
            return writer.Length;
        }

        if (b.HasAuthority)
        {
            writer.Append("//"u8);
            writer.Append(b.Authority);
        }

        if (r.Path.IsEmpty)
        {
            writer.Append(b.Path);
            writer.AppendQuery(r.HasQuery || b.HasQuery, r.HasQuery ? r.Query : b.Query);
            return writer.Length;
        }

        if (r.Path[0] == '/')
        {
            writer.AppendWithoutDotSegments(r.Path);
        }
        else
        {
            // Merge (§5.2.3): the base path up to its last '/', then the reference's path.
            var slash = b.Path.LastIndexOf((byte)'/');
            var directory = b.HasAuthority && b.Path.IsEmpty ? "/"u8 : slash < 0 ? default : b.Path[..(slash + 1)];
            var length = directory.Length + r.Path.Length;
            byte[]? rented = null;
            var merged = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
            directory.CopyTo(merged);
            r.Path.CopyTo(merged[directory.Length..]);
            writer.AppendWithoutDotSegments(merged);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        writer.AppendQuery(r.HasQuery, r.Query);
        return writer.Length;
    }

    /// <summary>The scheme of an absolute URI (the bytes before the first ':'), or empty for a relative one.</summary>
    public static ReadOnlySpan<byte> SchemeOf(ReadOnlySpan<byte> uri) => UriParts.Parse(uri).Scheme;

    private readonly ref struct UriParts
    {
        public ReadOnlySpan<byte> Scheme { get; init; }

        public bool HasAuthority { get; init; }

        public ReadOnlySpan<byte> Authority { get; init; }

        public ReadOnlySpan<byte> Path { get; init; }

        public bool HasQuery { get; init; }

        public ReadOnlySpan<byte> Query { get; init; }

        public static UriParts Parse(ReadOnlySpan<byte> uri)
        {
            var fragment = uri.IndexOf((byte)'#');
            if (fragment >= 0)
            {
                uri = uri[..fragment];
            }

            ReadOnlySpan<byte> scheme = default;
            var colon = uri.IndexOfAny((byte)':', (byte)'/', (byte)'?');
            if (colon > 0 && uri[colon] == ':' && IsScheme(uri[..colon]))
            {
                scheme = uri[..colon];
                uri = uri[(colon + 1)..];
            }

            var hasAuthority = uri.StartsWith("//"u8);
            ReadOnlySpan<byte> authority = default;
            if (hasAuthority)
            {
                uri = uri[2..];
                var end = uri.IndexOfAny((byte)'/', (byte)'?');
                authority = end < 0 ? uri : uri[..end];
                uri = end < 0 ? default : uri[end..];
            }

            var question = uri.IndexOf((byte)'?');
            return new UriParts
            {
                Scheme = scheme,
                HasAuthority = hasAuthority,
                Authority = authority,
                Path = question < 0 ? uri : uri[..question],
                HasQuery = question >= 0,
                Query = question < 0 ? default : uri[(question + 1)..],
            };
        }

        private static bool IsScheme(ReadOnlySpan<byte> text)
        {
            if (!char.IsAsciiLetter((char)text[0]))
            {
                return false;
            }

            foreach (var c in text)
            {
                if (!char.IsAsciiLetterOrDigit((char)c) && c is not (byte)'+' and not (byte)'-' and not (byte)'.')
                {
                    return false;
                }
            }

            return true;
        }
    }

    private ref struct SpanWriter
    {
        private readonly Span<byte> _destination;

        public SpanWriter(Span<byte> destination) => _destination = destination;

        public int Length { get; private set; }

        public void Append(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Length..]);
            Length += bytes.Length;
        }

        public void AppendQuery(bool hasQuery, ReadOnlySpan<byte> query)
        {
            if (hasQuery)
            {
                Append("?"u8);
                Append(query);
            }
        }

        /// <summary>remove_dot_segments (§5.2.4), appending the output segments as they are settled.</summary>
        public void AppendWithoutDotSegments(scoped ReadOnlySpan<byte> input)
        {
            var start = Length;
            while (!input.IsEmpty)
            {
                if (input.StartsWith("../"u8))
                {
                    input = input[3..];
                }
                else if (input.StartsWith("./"u8))
                {
                    input = input[2..];
                }
                else if (input.StartsWith("/./"u8))
                {
                    input = input[2..];
                }
                else if (input.SequenceEqual("/."u8))
                {
                    input = input[..1];
                }
                else if (input.StartsWith("/../"u8) || input.SequenceEqual("/.."u8))
                {
                    input = input.Length == 3 ? input[..1] : input[3..];
                    var last = _destination[start..Length].LastIndexOf((byte)'/');
                    Length = last < 0 ? start : start + last;
                }
                else if (input.SequenceEqual("."u8) || input.SequenceEqual(".."u8))
                {
                    input = default;
                }
                else
                {
                    var next = input[1..].IndexOf((byte)'/');
                    var segment = next < 0 ? input : input[..(next + 1)];
                    Append(segment);
                    input = input[segment.Length..];
                }
            }
        }
    }
}
