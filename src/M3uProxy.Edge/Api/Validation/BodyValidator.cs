using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Api.Validation;

/// <summary>
/// Reads fields of a JSON request body with pydantic v2's lax rules and error shapes
/// (<c>{"type","loc":["body",field…],"msg","input"}</c>), collecting every error before answering.
/// </summary>
internal sealed class BodyValidator
{
    private readonly List<ValidationError> _errors = [];
    private readonly JsonElement _body;

    private BodyValidator(JsonElement body) => _body = body;

    public IReadOnlyList<ValidationError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Parses the body into an object, or gives the one error FastAPI would.</summary>
    public static bool TryOpen(ReadOnlyMemory<byte> body, out BodyValidator validator, out JsonDocument? document, out ValidationError? error)
    {
        validator = null!;
        document = null;
        error = null;
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            error = new ValidationError("missing", Loc("body"), "Field required", null);
            return false;
        }

        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException exception)
        {
            var position = exception.LineNumber == 0 ? exception.BytePositionInLine ?? 0 : 0;
            error = new ValidationError("json_invalid", Loc("body", (int)position), "JSON decode error", new JsonObject());
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            error = new ValidationError("model_attributes_type", Loc("body"), "Input should be a valid dictionary or object to extract fields from", ToNode(document.RootElement));
            document.Dispose();
            document = null;
            return false;
        }

        validator = new BodyValidator(document.RootElement);
        return true;
    }

    public string? RequiredString(string name)
    {
        if (!_body.TryGetProperty(name, out var value))
        {
            Add("missing", "Field required", ToNode(_body), name);
            return null;
        }

        return ReadString(value, name);
    }

    public string? OptionalString(string name)
        => TryGetPresent(name, out var value) ? ReadString(value, name) : null;

    /// <summary>An optional http(s) URL, checked with the reference's messages.</summary>
    public string? OptionalUrl(string name)
    {
        var url = OptionalString(name);
        if (url is not null && UpstreamUrlValidator.Validate(url) is { } problem)
        {
            ValueError(name, problem, JsonValue.Create(url));
            return null;
        }

        return url;
    }

    public string? RequiredUrl(string name)
    {
        var url = RequiredString(name);
        if (url is not null && UpstreamUrlValidator.Validate(url) is { } problem)
        {
            ValueError(name, problem, JsonValue.Create(url));
            return null;
        }

        return url;
    }

    public List<string>? OptionalUrlList(string name)
    {
        if (!TryGetPresent(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Add("list_type", "Input should be a valid list", ToNode(value), name);
            return null;
        }

        var urls = new List<string>();
        var index = 0;
        var typeErrors = false;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                urls.Add(item.GetString()!);
            }
            else
            {
                Add("string_type", "Input should be a valid string", ToNode(item), name, index);
                typeErrors = true;
            }

            index++;
        }

        if (typeErrors)
        {
            return null;
        }

        foreach (var url in urls)
        {
            if (UpstreamUrlValidator.Validate(url) is { } problem)
            {
                ValueError(name, problem, ToNode(value));
                return null;
            }
        }

        return urls;
    }

    public bool? OptionalBool(string name)
    {
        if (!TryGetPresent(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String when SettingValueParser.TryParseBool(value.GetString()!, out var parsed):
                return parsed;
            case JsonValueKind.Number when value.TryGetInt64(out var number) && number is 0 or 1:
                return number == 1;
            case JsonValueKind.String or JsonValueKind.Number:
                Add("bool_parsing", "Input should be a valid boolean, unable to interpret input", ToNode(value), name);
                return null;
            default:
                Add("bool_type", "Input should be a valid boolean", ToNode(value), name);
                return null;
        }
    }

    public double? OptionalFloat(string name)
    {
        if (!TryGetPresent(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed))
        {
            return parsed;
        }

        Add(value.ValueKind == JsonValueKind.String ? "float_parsing" : "float_type", "Input should be a valid number", ToNode(value), name);
        return null;
    }

    public int? OptionalInt(string name, int minimum = int.MinValue)
    {
        if (!TryGetPresent(name, out var value))
        {
            return null;
        }

        int? result = null;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out var whole))
            {
                result = whole;
            }
            else if (value.TryGetDouble(out var real) && real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue)
            {
                result = (int)real;
            }
            else
            {
                Add("int_from_float", "Input should be a valid integer, got a number with a fractional part", ToNode(value), name);
                return null;
            }
        }
        else if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            result = parsed;
        }
        else
        {
            Add(value.ValueKind == JsonValueKind.String ? "int_parsing" : "int_type", "Input should be a valid integer", ToNode(value), name);
            return null;
        }

        if (result < minimum)
        {
            Add("greater_than_equal", $"Input should be greater than or equal to {minimum}", ToNode(value), name);
            return null;
        }

        return result;
    }

    /// <summary>An object of string values (upstream headers).</summary>
    public Dictionary<string, string>? OptionalStringMap(string name)
        => OptionalMap(
            name,
            value => value.ValueKind == JsonValueKind.String ? value.GetString() : null,
            (value, key) => Add("string_type", "Input should be a valid string", ToNode(value), name, key));

    /// <summary>Metadata: string, number or boolean values, stringified the Python way (seed-spec §12).</summary>
    public Dictionary<string, string>? OptionalMetadata(string name)
        => OptionalMap(name, PythonStr.Of, (value, key) =>
        {
            // pydantic reports one error per member of Union[str, int, float, bool].
            var input = ToNode(value);
            Add("string_type", "Input should be a valid string", input, name, key, "str");
            Add("int_type", "Input should be a valid integer", input?.DeepClone(), name, key, "int");
            Add("float_type", "Input should be a valid number", input?.DeepClone(), name, key, "float");
            Add("bool_type", "Input should be a valid boolean", input?.DeepClone(), name, key, "bool");
        });

    /// <summary>
    /// An object whose values <paramref name="convert"/> turns into strings; a value it gives null for
    /// is reported by <paramref name="invalid"/> (with its key), and any such value makes the whole map null.
    /// </summary>
    private Dictionary<string, string>? OptionalMap(string name, Func<JsonElement, string?> convert, Action<JsonElement, string> invalid)
    {
        if (!TryGetPresent(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Add("dict_type", "Input should be a valid dictionary", ToNode(value), name);
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var property in value.EnumerateObject())
        {
            if (convert(property.Value) is { } text)
            {
                map[property.Name] = text;
            }
            else
            {
                invalid(property.Value, property.Name);
                ok = false;
            }
        }

        return ok ? map : null;
    }

    public void ValueError(string name, string message, JsonNode? input)
        => Add("value_error", "Value error, " + message, input, name);

    /// <summary>Any pydantic error at <c>["body", path…]</c> (enum members, URL types …).</summary>
    public void Error(string type, string message, JsonNode? input, params ReadOnlySpan<object> path)
        => Add(type, message, input, path);

    /// <summary>The raw element of a present, non-null field.</summary>
    public bool TryGetField(string name, out JsonElement value) => TryGetPresent(name, out value);

    private bool TryGetPresent(string name, out JsonElement value)
        => _body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private string? ReadString(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        Add("string_type", "Input should be a valid string", ToNode(value), name);
        return null;
    }

    private void Add(string type, string message, JsonNode? input, params ReadOnlySpan<object> path)
    {
        var loc = new JsonArray(JsonValue.Create("body"));
        foreach (var segment in path)
        {
            loc.Add(segment is int index ? (JsonNode)JsonValue.Create(index) : JsonValue.Create((string)segment));
        }

        _errors.Add(new ValidationError(type, loc, message, input));
    }

    private static JsonArray Loc(string first, int? second = null)
    {
        var loc = new JsonArray(JsonValue.Create(first));
        if (second is { } value)
        {
            loc.Add((JsonNode)JsonValue.Create(value));
        }

        return loc;
    }

    public static JsonNode? ToNode(JsonElement element) => JsonNode.Parse(element.GetRawText());
}
