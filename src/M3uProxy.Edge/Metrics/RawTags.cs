using System.Globalization;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// A measurement's tags as one piece of text, in the order the instrument passed them, to find the
/// series of a label set seen before without building its label text (which allocates).
/// </summary>
internal static class RawTags
{
    private const char KeyEnd = '\u0001';
    private const char ValueEnd = '\u0002';

    /// <summary>
    /// Writes <c>key␁value␂…</c> into <paramref name="destination"/>; the length written, or 0 when
    /// the tags do not fit, a value is neither text nor formattable, or a key or value holds one of
    /// the separators (so two different label sets never write the same text).
    /// </summary>
    public static int TryFormat(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<char> destination)
    {
        var length = 0;
        foreach (var (key, value) in tags)
        {
            if (!TryAppend(key, destination, ref length) || !TryAppendSeparator(KeyEnd, destination, ref length))
            {
                return 0;
            }

            switch (value)
            {
                case null:
                    break;
                case string text:
                    if (!TryAppend(text, destination, ref length))
                    {
                        return 0;
                    }

                    break;
                case ISpanFormattable formattable:
                    if (!formattable.TryFormat(destination[length..], out var written, default, CultureInfo.InvariantCulture)
                        || destination.Slice(length, written).ContainsAny(KeyEnd, ValueEnd))
                    {
                        return 0;
                    }

                    length += written;
                    break;
                default:
                    return 0;
            }

            if (!TryAppendSeparator(ValueEnd, destination, ref length))
            {
                return 0;
            }
        }

        return length;
    }

    private static bool TryAppend(string text, Span<char> destination, ref int length)
    {
        if (text.AsSpan().ContainsAny(KeyEnd, ValueEnd) || !text.AsSpan().TryCopyTo(destination[length..]))
        {
            return false;
        }

        length += text.Length;
        return true;
    }

    private static bool TryAppendSeparator(char separator, Span<char> destination, ref int length)
    {
        if (length >= destination.Length)
        {
            return false;
        }

        destination[length++] = separator;
        return true;
    }
}
