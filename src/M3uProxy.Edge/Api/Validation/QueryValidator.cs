using System.Text.Json.Nodes;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Api.Validation;

/// <summary>Reads query parameters with FastAPI's rules and error shapes (<c>loc: ["query", name]</c>).</summary>
internal sealed class QueryValidator
{
    private readonly IQueryCollection _query;
    private readonly List<ValidationError> _errors = [];

    public QueryValidator(IQueryCollection query) => _query = query;

    private static JsonArray Loc(string name) => new(JsonValue.Create("query"), JsonValue.Create(name));

    public IReadOnlyList<ValidationError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public string Required(string name)
    {
        if (_query.TryGetValue(name, out var values))
        {
            return values.ToString();
        }

        _errors.Add(new ValidationError("missing", Loc(name), "Field required", null));
        return "";
    }

    public string? Optional(string name, int maxLength = int.MaxValue)
    {
        if (!_query.TryGetValue(name, out var values))
        {
            return null;
        }

        var value = values.ToString();
        if (value.Length > maxLength)
        {
            _errors.Add(new ValidationError("string_too_long", Loc(name), $"String should have at most {maxLength} characters", JsonValue.Create(value)));
            return null;
        }

        return value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        if (!_query.TryGetValue(name, out var values))
        {
            return defaultValue;
        }

        if (SettingValueParser.TryParseBool(values.ToString(), out var parsed))
        {
            return parsed;
        }

        _errors.Add(new ValidationError("bool_parsing", Loc(name), "Input should be a valid boolean, unable to interpret input", JsonValue.Create(values.ToString())));
        return defaultValue;
    }
}
