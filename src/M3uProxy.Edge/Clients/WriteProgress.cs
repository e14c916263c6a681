namespace M3uProxy.Edge.Clients;

/// <summary>
/// One viewer's write timing: the copy loops stamp each write, the playback watchdog ends a
/// viewer whose write has been stuck too long.
/// </summary>
internal sealed class WriteProgress(HttpContext context, TimeProvider time)
{
    private long _writeStarted;

    /// <summary>True after the watchdog ended this viewer for making no progress.</summary>
    public bool TimedOut { get; private set; }

    public void Begin() => Volatile.Write(ref _writeStarted, time.GetTimestamp());

    public void End() => Volatile.Write(ref _writeStarted, 0);

    internal void AbortIfStuck(TimeSpan timeout)
    {
        var started = Volatile.Read(ref _writeStarted);
        if (started != 0 && time.GetElapsedTime(started) > timeout)
        {
            TimedOut = true;
            context.Abort();
        }
    }
}
