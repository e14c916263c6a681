using System.Text.Json.Nodes;

namespace M3uProxy.Edge.Api.Models;

/// <summary>FastAPI's error shape: <c>{"detail": "…"}</c>.</summary>
internal sealed record DetailResponse(string Detail);

/// <summary>FastAPI's validation shape: <c>{"detail": [{"type","loc","msg","input"}…]}</c>.</summary>
internal sealed record ValidationErrorResponse(IReadOnlyList<ValidationError> Detail);

/// <summary>One pydantic validation error.</summary>
internal sealed record ValidationError(string Type, JsonArray Loc, string Msg, JsonNode? Input);

/// <summary><c>{"message": "…"}</c>, the reference's success body for deletes and actions.</summary>
internal sealed record MessageResponse(string Message);
