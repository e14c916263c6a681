using System.Text;
using System.Text.RegularExpressions;

namespace M3uProxy.Edge.Transcoding.Resolvers;

/// <summary>
/// <c>resolver_args</c> through an allow-list (seed-spec §8.7 [WEAK] SECURITY): quality or format
/// selectors and a few harmless tuning options. Anything that runs commands, reads config or batch
/// files, or writes output or recordings (<c>--exec</c>, <c>--config</c>, <c>-o</c>, <c>--record</c>…) is refused.
/// </summary>
internal static partial class ResolverArguments
{
    // Option → whether it takes a value.
    private static readonly Dictionary<string, bool> _streamlink = new(StringComparer.Ordinal)
    {
        ["--hls-live-edge"] = true,
        ["--hls-segment-stream-data"] = false,
        ["--hls-live-restart"] = false,
        ["--hls-audio-select"] = true,
        ["--stream-segment-threads"] = true,
        ["--stream-segment-attempts"] = true,
        ["--stream-segment-timeout"] = true,
        ["--stream-timeout"] = true,
        ["--ringbuffer-size"] = true,
        ["--retry-streams"] = true,
        ["--retry-max"] = true,
        ["--retry-open"] = true,
        ["--stream-sorting-excludes"] = true,
        ["--default-stream"] = true,
        ["--twitch-disable-ads"] = false,
        ["--twitch-low-latency"] = false,
    };

    private static readonly Dictionary<string, bool> _ytdlp = new(StringComparer.Ordinal)
    {
        ["-f"] = true,
        ["--format"] = true,
        ["-S"] = true,
        ["--format-sort"] = true,
        ["--no-playlist"] = false,
        ["--live-from-start"] = false,
        ["--no-live-from-start"] = false,
        ["--hls-use-mpegts"] = false,
        ["-N"] = true,
        ["--concurrent-fragments"] = true,
        ["-R"] = true,
        ["--retries"] = true,
        ["--fragment-retries"] = true,
        ["--geo-bypass"] = false,
        ["--prefer-free-formats"] = false,
    };

    public static ResolverArgumentCheck Check(ResolverTool tool, string? text)
    {
        var effective = string.IsNullOrWhiteSpace(text) ? tool.DefaultArguments : text;
        List<string> words;
        try
        {
            words = Split(effective);
        }
        catch (FormatException exception)
        {
            return new ResolverArgumentCheck([], effective, exception.Message);
        }

        var allowed = tool.IsStreamlink ? _streamlink : _ytdlp;
        var arguments = new List<string>();
        var positional = 0;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith('-'))
            {
                var name = word.Split('=', 2)[0];
                if (!allowed.TryGetValue(name, out var takesValue))
                {
                    return new ResolverArgumentCheck([], effective, $"resolver_args option '{name}' is not allowed for {tool.Binary} (allowed: {string.Join(", ", allowed.Keys)})");
                }

                arguments.Add(word);
                if (takesValue && !word.Contains('=', StringComparison.Ordinal))
                {
                    if (i + 1 >= words.Count)
                    {
                        return new ResolverArgumentCheck([], effective, $"resolver_args option '{name}' needs a value");
                    }

                    var value = words[++i];
                    if (!Selector().IsMatch(value))
                    {
                        return new ResolverArgumentCheck([], effective, $"resolver_args value '{value}' of '{name}' is not allowed");
                    }

                    arguments.Add(value);
                }

                continue;
            }

            // One selector only: a second word would be another URL for the tool to open.
            if (!Selector().IsMatch(word) || word.Contains("//", StringComparison.Ordinal) || ++positional > 1)
            {
                return new ResolverArgumentCheck([], effective, $"resolver_args '{word}' is not allowed: one quality or format selector, then allowed options");
            }

            arguments.Add(word);
        }

        return new ResolverArgumentCheck(arguments, effective, null);
    }

    /// <summary>Shell-style words (quotes group, no expansion, no escapes beyond a backslash before a quote).</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == quote)
            {
                quote = null;
            }
            else if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else
            {
                word.Append(c);
            }
        }

        if (quote is not null)
        {
            throw new FormatException("resolver_args has an unclosed quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    // Quality names ("720p,best"), yt-dlp format selectors ("bestvideo[height<=720]+bestaudio/best"), numbers, sizes.
    [GeneratedRegex(@"^[A-Za-z0-9_+/\[\]<>=*.,:!()\-]{1,200}$")]
    private static partial Regex Selector();
}

internal sealed record ResolverArgumentCheck(IReadOnlyList<string> Arguments, string Text, string? Error);
