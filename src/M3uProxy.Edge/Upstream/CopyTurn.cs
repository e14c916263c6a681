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
/// thread, and a per-loop count never yielded there (0.5–1.8 s to a first byte, measured).
/// </summary>
internal static class CopyTurn
{
    /// <summary>
    /// What one turn may send: about two fan-out chunks or one body read. Larger turns make a new
    /// connection wait longer behind busy threads and bought no measurable speed: at 200 downloads,
    /// 64 KiB / 256 KiB / 1 MiB turns gave a first byte in 168 / 287–391 / 446–770 ms (p50; the
    /// 64 KiB median of ten runs; docs/performance.md, "Fifth quiet run").
    /// </summary>
    public const int TurnBytes = 64 * 1024;

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
