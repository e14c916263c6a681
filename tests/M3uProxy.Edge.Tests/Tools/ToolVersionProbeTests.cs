using M3uProxy.Edge.Tools;

namespace M3uProxy.Edge.Tests.Tools;

public sealed class ToolVersionProbeTests
{
    [Fact]
    public async Task Get_ReturnsTheFirstLine_OfAnInstalledTool()
    {
        var version = await new ToolVersionProbe().GetAsync("ffmpeg", "-version");

        Assert.StartsWith("ffmpeg version", version, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', version!);
    }

    [Fact]
    public async Task Get_MissingTool_IsNull()
    {
        Assert.Null(await new ToolVersionProbe().GetAsync("/nonexistent/m3u-proxy-tool", "--version"));
    }
}
