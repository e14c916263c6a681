using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace M3uProxy.Edge.Metrics;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4): names, label escaping, and one
/// <c># HELP</c>/<c># TYPE</c> block per instrument.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary><c>http.server.request.duration</c> (unit s) → <c>http_server_request_duration_seconds</c>; counters end in <c>_total</c>.</summary>
    public static string MetricName(Instrument instrument, MetricKind kind)
    {
        var name = Sanitize(instrument.Name);
        var unitSuffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        if (unitSuffix.Length > 0 && !name.EndsWith(unitSuffix, StringComparison.Ordinal))
        {
            name += unitSuffix;
        }

        return kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        return builder.Length > 0 && char.IsAsciiDigit(builder[0]) ? "_" + builder : builder.ToString();
    }

    public static string EscapeLabel(string value)
        => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static void Write(StringBuilder output, InstrumentState state)
    {
        var series = state.Series.ToList();
        if (series.Count == 0)
        {
            return;
        }

        var type = state.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        };
        var help = (state.Instrument.Description ?? state.Instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        output.Append("# HELP ").Append(state.Name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(state.Name).Append(' ').Append(type).Append('\n');
        foreach (var one in series)
        {
            if (state.Kind == MetricKind.Histogram)
            {
                WriteHistogram(output, state.Name, one);
            }
            else
            {
                output.Append(state.Name).Append(one.Labels).Append(' ').Append(Number(one.Value)).Append('\n');
            }
        }
    }

    private static void WriteHistogram(StringBuilder output, string name, MetricSeries series)
    {
        var (cumulative, sum, count) = series.HistogramSnapshot();
        var inner = series.Labels.Length > 2 ? series.Labels[1..^1] + "," : "";
        for (var i = 0; i < cumulative.Length; i++)
        {
            output.Append(name).Append("_bucket{").Append(inner).Append("le=\"").Append(Number(series.Buckets![i])).Append("\"} ").Append(cumulative[i]).Append('\n');
        }

        output.Append(name).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(count).Append('\n');
        output.Append(name).Append("_sum").Append(series.Labels).Append(' ').Append(Number(sum)).Append('\n');
        output.Append(name).Append("_count").Append(series.Labels).Append(' ').Append(count).Append('\n');
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
