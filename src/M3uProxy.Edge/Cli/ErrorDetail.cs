using System.Text;
using System.Text.Json;

namespace M3uProxy.Edge.Cli;

/// <summary>Turns an error body into one line: FastAPI's <c>{"detail": "…"}</c> or its 422 list of field errors.</summary>
internal static class ErrorDetail
{
    private const int MaxRawLength = 200;

    public static string Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
            {
                return detail.ValueKind switch
                {
                    JsonValueKind.String => detail.GetString() ?? "",
                    JsonValueKind.Array => FieldErrors(detail),
                    _ => detail.GetRawText(),
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON (a reverse proxy's HTML page, say): show the start of it.
        }

        var text = body.Trim();
        return text.Length <= MaxRawLength ? text : text[..MaxRawLength] + "…";
    }

    /// <summary><c>url: Value error, URL must use HTTP or HTTPS protocol; …</c></summary>
    private static string FieldErrors(JsonElement errors)
    {
        var line = new StringBuilder();
        foreach (var error in errors.EnumerateArray())
        {
            if (line.Length > 0)
            {
                line.Append("; ");
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                line.Append(error.GetRawText());
                continue;
            }

            if (error.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
            {
                var field = string.Join('.', loc.EnumerateArray().Skip(1).Select(part => part.ToString()));
                if (field.Length > 0)
                {
                    line.Append(field).Append(": ");
                }
            }

            line.Append(error.TryGetProperty("msg", out var message) ? message.ToString() : error.GetRawText());
        }

        return line.ToString();
    }
}
