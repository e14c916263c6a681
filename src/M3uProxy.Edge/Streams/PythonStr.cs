using System.Globalization;
using System.Text.Json;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// Reproduces Python's <c>str()</c> of JSON scalars, because the reference stringifies metadata
/// that way and m3u-editor compares those strings (<c>true</c> → <c>"True"</c>, <c>4.0</c> → <c>"4.0"</c>).
/// </summary>
internal static class PythonStr
{
    /// <summary>Null when the element is not a string, number or boolean.</summary>
    public static string? Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Number => Number(element.GetRawText()),
        _ => null,
    };

    /// <summary>A JSON number's Python text: integers as written, floats in Python's shortest repr.</summary>
    public static string Number(string raw)
    {
        var isInteger = raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        if (isInteger)
        {
            // Python ints are arbitrary-precision; only normalise what a long can hold ("-0" → "0").
            return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? whole.ToString(CultureInfo.InvariantCulture)
                : raw;
        }

        return Float(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits; exponent form below 1e-4 or from 1e16.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "R" gives the shortest round-trip digits; Python lays them out by its own rule.
        var (digits, exponent) = Decompose(value.ToString("R", CultureInfo.InvariantCulture));

        var negative = value < 0;
        string body;
        if (exponent < -4 || exponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var sign = exponent < 0 ? "-" : "+";
            body = $"{mantissa}e{sign}{Math.Abs(exponent):00}";
        }
        else if (exponent < 0)
        {
            body = "0." + new string('0', -exponent - 1) + digits;
        }
        else if (digits.Length <= exponent + 1)
        {
            body = digits + new string('0', exponent + 1 - digits.Length) + ".0";
        }
        else
        {
            body = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }

        return negative ? "-" + body : body;
    }

    /// <summary>Significant digits (no leading/trailing zeros) and the decimal exponent of the first one.</summary>
    private static (string Digits, int Exponent) Decompose(string roundTrip)
    {
        var text = roundTrip.TrimStart('-');
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        var all = integerPart + fraction;
        var firstNonZero = 0;
        while (firstNonZero < all.Length - 1 && all[firstNonZero] == '0')
        {
            firstNonZero++;
        }

        exponent += integerPart.Length - 1 - firstNonZero;
        var digits = all[firstNonZero..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, exponent);
    }
}
