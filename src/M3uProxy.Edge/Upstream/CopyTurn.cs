namespace M3uProxy.Edge.Upstream;

/// <summary>
/// When a copy loop to a response must give its thread back. Kestrel sends a flushed response on the
/// flushing thread (<c>EdgeApp.SendOnTheFlushingThread</c>), so a write to a socket with room never
/// waits; and a lone viewer copies on its upstream pump's thread, which in turn runs on the viewer's
/// thread when the viewer frees room (FanOutBuffer). With a fast origin the two can then run on one
/// thread-pool thread for the whole response, and at 200 downloads new connections waited 2–6 s for a
/// first byte (measured). So a thread that has sent <see cref="TurnBytes"/> since it last yielded
/// yields before it sends more (<c>await Task.Yield()</c>), whichever copy loops the bytes came from.
/// Counted per thread, not per loop: a loop that catches up and waits may be woken again on the same
/// thread. Bounded in bytes, not per chunk: a strict pre-buffer goes out in one or two turns, and a
/// busy thread yields once per four chunks instead of once per chunk, each yield being a hand-over.
/// </summary>
internal static class CopyTurn
{
    /// <summary>
    /// What one turn may send. Larger turns cost fewer hand-overs but make a new connection wait
    /// longer behind busy threads: at 200 downloads, 64 KiB / 256 KiB / 1 MiB turns gave 530–800 /
    /// 650–830 / 690–830 MB/s and 140–410 / 290–390 / 450–770 ms to a first byte (docs/performance.md).
    /// </summary>
    public const int TurnBytes = 256 * 1024;

    [ThreadStatic]
    private static long _sent;

    /// <summary>Counts <paramref name="bytes"/> sent by this thread; true when its turn is used up and the caller must yield before it sends more.</summary>
    public static bool Sent(int bytes)
    {
        _sent += bytes;
        if (_sent < TurnBytes)
        {
            return false;
        }

        _sent = 0;
        return true;
    }
}
