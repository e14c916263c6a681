using System.Globalization;

namespace M3uProxy.Edge.Configuration;

/// <summary>
/// Turns a variable's text into the one canonical form the configuration binder reads, or says
/// in one sentence what is wrong and what is allowed. Accepts what the reference's pydantic
/// settings accept, so existing compose files keep working.
/// </summary>
internal static class SettingValueParser
{
    public static bool TryNormalize(SettingDefinition setting, string raw, out string normalized, out string? problem)
    {
        normalized = raw;
        problem = null;
        var text = raw.Trim();
        switch (setting.Kind)
        {
            case SettingKind.Text:
            case SettingKind.Secret:
                return true;

            case SettingKind.Bool:
                if (TryParseBool(text, out var flag))
                {
                    normalized = flag ? "true" : "false";
                    return true;
                }

                problem = "is not a boolean (allowed: true/false, 1/0, yes/no, on/off, in any case)";
                return false;

            case SettingKind.Integer:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    problem = $"is not a whole number (allowed: {Range(setting)})";
                    return false;
                }

                if (whole < setting.Minimum || whole > setting.Maximum)
                {
                    problem = $"is out of range (allowed: {Range(setting)})";
                    return false;
                }

                normalized = whole.ToString(CultureInfo.InvariantCulture);
                return true;

            case SettingKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    problem = $"is not a number (allowed: {Range(setting)})";
                    return false;
                }

                if (number < setting.Minimum || number > setting.Maximum)
                {
                    problem = $"is out of range (allowed: {Range(setting)})";
                    return false;
                }

                normalized = number.ToString("R", CultureInfo.InvariantCulture);
                return true;

            case SettingKind.LogLevel:
                if (TryParseLogLevel(text, out var level))
                {
                    normalized = level.ToString();
                    return true;
                }

                problem = "is not a log level (allowed: DEBUG, INFO, WARNING, ERROR, CRITICAL, or Trace, Debug, Information, Warning, Error, Critical, None)";
                return false;

            case SettingKind.Choice:
                foreach (var choice in setting.Choices)
                {
                    if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
                    {
                        normalized = choice;
                        return true;
                    }
                }

                problem = $"is not one of the allowed values ({string.Join(", ", setting.Choices)})";
                return false;

            default:
                throw new InvalidOperationException($"Unknown setting kind {setting.Kind}.");
        }
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on" or "t" or "y":
                value = true;
                return true;
            case "false" or "0" or "no" or "off" or "f" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool TryParseLogLevel(string text, out LogLevel level)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRACE":
                level = LogLevel.Trace;
                return true;
            case "DEBUG":
                level = LogLevel.Debug;
                return true;
            case "INFO" or "INFORMATION":
                level = LogLevel.Information;
                return true;
            case "WARNING" or "WARN":
                level = LogLevel.Warning;
                return true;
            case "ERROR":
                level = LogLevel.Error;
                return true;
            case "CRITICAL" or "FATAL":
                level = LogLevel.Critical;
                return true;
            case "NONE" or "OFF":
                level = LogLevel.None;
                return true;
            default:
                level = LogLevel.None;
                return false;
        }
    }

    private static string Range(SettingDefinition setting)
    {
        var low = setting.Minimum == double.MinValue ? null : setting.Minimum.ToString(CultureInfo.InvariantCulture);
        var high = setting.Maximum == double.MaxValue ? null : setting.Maximum.ToString(CultureInfo.InvariantCulture);
        return (low, high) switch
        {
            (null, null) => "any number",
            (not null, null) => $"{low} or more",
            (null, not null) => $"{high} or less",
            _ => $"{low} to {high}",
        };
    }
}
