using System.Globalization;
using System.Text.Json;
using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Media.Tests.MpegTs;

/// <summary>ffprobe's view of a file, as the reference for what the scanner reads.</summary>
internal static class ProbeOracle
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    /// <summary>The first stream of a type (<c>v</c> or <c>a</c>) as ffprobe's JSON.</summary>
    public static async Task<JsonElement> StreamAsync(string file, string type)
    {
        var result = await ToolProcess.RunAsync(
            Ffprobe.Path,
            ["-v", "error", "-select_streams", $"{type}:0", "-show_streams", "-of", "json", file],
            _timeout,
            TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.GetProperty("streams")[0].Clone();
    }

    /// <summary>Byte positions of the video packets ffprobe flags as keyframes.</summary>
    public static async Task<IReadOnlyList<long>> KeyframePositionsAsync(string file)
    {
        var result = await ToolProcess.RunAsync(
            Ffprobe.Path,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pos,flags", "-of", "csv=p=0", file],
            _timeout,
            TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return
        [
            .. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(','))
                .Where(fields => fields.Length >= 2 && fields[1].StartsWith('K'))
                .Select(fields => long.Parse(fields[0], CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>ffprobe's <c>r_frame_rate</c> ("30000/1001") as a number.</summary>
    public static double FrameRate(JsonElement stream)
    {
        var parts = stream.GetProperty("r_frame_rate").GetString()!.Split('/');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
