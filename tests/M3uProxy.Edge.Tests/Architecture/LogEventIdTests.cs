using System.Reflection;

namespace M3uProxy.Edge.Tests.Architecture;

/// <summary>
/// Every <c>[LoggerMessage]</c> of the server has its own event id, inside its folder's range (the
/// table in docs/architecture.md, "Log event ids"). A new folder that logs adds its row there and here.
/// </summary>
public sealed class LogEventIdTests
{
    /// <summary>The table of docs/architecture.md: folder → first and last id it may use.</summary>
    private static readonly Dictionary<string, (int First, int Last)> _ranges = new(StringComparer.Ordinal)
    {
        ["Hosting"] = (0, 49),
        ["Configuration"] = (0, 49),
        ["Tools"] = (50, 99),
        ["Http"] = (100, 199),
        ["Api"] = (100, 199),
        ["Metrics"] = (100, 199),
        ["Lifecycle"] = (200, 299),
        ["Streams"] = (200, 299),
        ["Clients"] = (200, 299),
        ["Upstream"] = (300, 399),
        ["FanOut"] = (300, 399),
        ["Playback"] = (300, 399),
        ["Failover"] = (300, 399),
        ["Monitoring"] = (300, 399),
        ["Events"] = (400, 449),
        ["Hls"] = (450, 499),
        ["Webhooks"] = (500, 599),
        ["Transcoding"] = (600, 699),
        ["Broadcast"] = (700, 799),
        ["Coordination"] = (800, 899),
        ["Packaging"] = (960, 969),
    };

    private static readonly List<(string Folder, string Method, int Id)> _messages = Collect();

    private static List<(string Folder, string Method, int Id)> Collect()
    {
        const BindingFlags everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        return [.. typeof(Edge.Hosting.EdgeApp).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(everything))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (FolderOf(m.Method.DeclaringType!), $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId))];
    }

    private static string FolderOf(Type type)
    {
        var ns = type.Namespace ?? "";
        return ns == "M3uProxy.Edge" ? "(root)" : ns["M3uProxy.Edge.".Length..].Split('.')[0];
    }

    [Fact]
    public void Collect_FindsTheServersMessages()
    {
        // Guards the reflection: none found would pass the rules below.
        Assert.True(_messages.Count > 30, $"only {_messages.Count} [LoggerMessage] methods found");
        Assert.Contains(_messages, m => m.Folder == "FanOut");
    }

    [Fact]
    public void EventIds_AreNeverUsedTwice()
    {
        var duplicates = _messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(duplicates.Count == 0, "Event ids used twice: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EventIds_LieInTheirFoldersRange()
    {
        var outside = _messages
            .Where(m => !_ranges.TryGetValue(m.Folder, out var range) || m.Id < range.First || m.Id > range.Last)
            .Select(m => _ranges.TryGetValue(m.Folder, out var range)
                ? $"{m.Method} = {m.Id}, outside {m.Folder}'s {range.First}-{range.Last}"
                : $"{m.Method} = {m.Id}, but {m.Folder}/ has no range yet (add it to docs/architecture.md and to this test)")
            .ToList();
        Assert.True(outside.Count == 0, string.Join("; ", outside));
    }
}
