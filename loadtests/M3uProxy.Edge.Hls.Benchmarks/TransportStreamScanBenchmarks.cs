using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using M3uProxy.Edge.Media.MpegTs;

namespace M3uProxy.Edge.Hls.Benchmarks;

/// <summary>
/// What the live channel's pump pays to scan what it publishes (keyframes and media info): one
/// MB of 1280x720 H.264 + AAC at 4 Mbit/s (1 s GOP), packet by packet, as <c>RandomAccessIndex</c> does.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class TransportStreamScanBenchmarks
{
    private const int PacketsPerMegabyte = 1_000_000 / TsPacket.Size;
    private readonly TransportStreamScanner _scanner = new();
    private byte[] _megabyte = [];
    private long _position;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Path.GetTempPath(), "m3uproxy-bench-720p-h264-aac.ts");
        if (!File.Exists(path))
        {
            var start = new ProcessStartInfo("ffmpeg") { UseShellExecute = false };
            foreach (var argument in new[]
            {
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "4", "-c:v", "libx264", "-preset", "veryfast",
                "-b:v", "3600k", "-g", "25", "-c:a", "aac", "-f", "mpegts", "-muxrate", "4M", path,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var ffmpeg = Process.Start(start)!;
            ffmpeg.WaitForExit();
        }

        _megabyte = File.ReadAllBytes(path)[..(PacketsPerMegabyte * TsPacket.Size)];
    }

    [Benchmark(Description = "scan 1 MB (5,319 packets)")]
    public int ScanOneMegabyte()
    {
        var keyframes = 0;
        for (var offset = 0; offset < _megabyte.Length; offset += TsPacket.Size)
        {
            if ((_scanner.ScanPacket(_megabyte.AsSpan(offset, TsPacket.Size), _position + offset) & ScanEvents.Keyframe) != 0)
            {
                keyframes++;
            }
        }

        _position += _megabyte.Length;
        return keyframes;
    }
}
