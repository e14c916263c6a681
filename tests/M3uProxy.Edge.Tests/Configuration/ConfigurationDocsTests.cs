using System.Text.RegularExpressions;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Configuration;

/// <summary>docs/configuration.md must list exactly the variables the code reads, with the code's defaults.</summary>
public sealed partial class ConfigurationDocsTests
{
    [GeneratedRegex(@"^\| `(?<name>[A-Z0-9_]+)` \| (?:`(?<default>[^`]*)`|\(empty\)) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [Fact]
    public void EveryVariable_IsDocumented_WithItsDefault()
    {
        var documented = Row().Matches(File.ReadAllText(RepoPaths.File("docs", "configuration.md")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Value);

        Assert.Equal(SettingsCatalog.All.Select(s => s.Name).Order(), documented.Keys.Order());
        foreach (var setting in SettingsCatalog.All)
        {
            Assert.True(documented[setting.Name] == setting.Default, $"{setting.Name}: documented '{documented[setting.Name]}', code '{setting.Default}'");
        }
    }

    [Fact]
    public void EveryDefault_IsValidForItsKind()
    {
        foreach (var setting in SettingsCatalog.All)
        {
            Assert.True(SettingValueParser.TryNormalize(setting, setting.Default, out _, out var problem), $"{setting.Name}: {problem}");
        }
    }
}
