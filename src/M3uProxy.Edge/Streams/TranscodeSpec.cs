using System.Text.Json.Serialization;

namespace M3uProxy.Edge.Streams;

/// <summary>
/// How a stream is transcoded: data only (like <see cref="SilenceOverrides"/>), checked when the
/// stream was created. <see cref="Arguments"/> is what the caller sees (the rendered template with
/// its input and output); the process itself runs the checked options with <c>-i pipe:0</c>.
/// </summary>
internal sealed record TranscodeSpec(
    string Profile,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> InputOptions,
    IReadOnlyList<string> OutputOptions,
    bool HlsOutput,
    string Format,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyDictionary<string, string> UserVariables,
    string? CustomTemplate)
{
    [JsonIgnore]
    public string OutputMode => HlsOutput ? "hls" : "direct";

    /// <summary>
    /// The reference's id, MD5("url|transcoded|profile|mode") (seed-spec §1.5), extended with the
    /// caller's variables and the custom template when given, so two different outputs of one
    /// source never share an id (they do in the reference).
    /// </summary>
    public string StreamIdFor(string url)
    {
        var key = $"{url}|transcoded|{Profile}|{OutputMode}";
        if (UserVariables.Count > 0)
        {
            key += "|" + string.Join('&', UserVariables.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        }

        if (CustomTemplate is not null)
        {
            key += "|" + CustomTemplate;
        }

        return StreamIds.Md5Hex(key);
    }
}

/// <summary>A stream whose bytes come from streamlink or yt-dlp (seed-spec §8.7): data only.</summary>
internal sealed record ResolverSpec(string Resolver, IReadOnlyList<string> Arguments, string ArgumentText, string? Cookies)
{
    /// <summary>MD5("url|resolver|name|args"), as the reference (seed-spec §1.5).</summary>
    public string StreamIdFor(string url) => StreamIds.Md5Hex($"{url}|resolver|{Resolver}|{ArgumentText}");
}
