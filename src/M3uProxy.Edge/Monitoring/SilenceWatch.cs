using System.Buffers;
using M3uProxy.Edge.Failover;
using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Streams;

namespace M3uProxy.Edge.Monitoring;

/// <summary>
/// Silence detection (seed-spec §6.9) on a tee of the shared buffer: the window's bytes (at most
/// <see cref="MaxWindowBytes"/>) are copied through a reader of its own — which, like any reader,
/// never holds the writer back — and handed to <see cref="SilenceProbe"/> while viewers keep
/// streaming. The reference awaited ffmpeg inside the delivery loop, stalling every client.
/// </summary>
internal sealed class SilenceWatch(LiveChannel channel, StreamRecord stream, FailoverCoordinator failover, TimeProvider time, WatchSettings settings, SilenceSettings silence, ILogger logger)
    : ChannelWatch(channel, stream, failover, time, settings, "silence_detected", logger)
{
    public const int MaxWindowBytes = 5 * 1024 * 1024;

    protected override async ValueTask<bool> IsBadWindowAsync(long windowBytes, CancellationToken cancellationToken)
    {
        var wanted = (int)Math.Min(windowBytes, MaxWindowBytes);
        if (wanted <= 0)
        {
            return false; // nothing arrived: that is the bitrate watch's business, not silence
        }

        var copy = ArrayPool<byte>.Shared.Rent(wanted);
        try
        {
            var length = CopyRecent(copy.AsSpan(0, wanted));
            return length > 0 && await SilenceProbe.IsSilentAsync(silence.Ffmpeg, copy.AsMemory(0, length), silence.NoiseDb, silence.DurationSeconds, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Copies up to <paramref name="target"/>'s length of the most recent bytes, from a packet boundary.</summary>
    private int CopyRecent(Span<byte> target)
    {
        var buffer = Channel.Buffer;
        var reader = Channel.AddReader(target.Length);
        try
        {
            var copied = 0;
            while (copied < target.Length && buffer.TryRead(reader, out var data) == FanOutReadStatus.Data)
            {
                var count = Math.Min(data.Length, target.Length - copied);
                data.Span[..count].CopyTo(target[copied..]);
                if (!buffer.IsIntact(reader.Position))
                {
                    break; // overwritten while copying: judge what is certainly whole
                }

                buffer.Advance(reader, count);
                copied += count;
            }

            return copied;
        }
        finally
        {
            Channel.RemoveReader(reader);
        }
    }
}

/// <summary>The effective silence settings of one stream: its overrides, else the global variables.</summary>
internal sealed record SilenceSettings(string Ffmpeg, double NoiseDb, double DurationSeconds);
