namespace M3uProxy.Edge.Monitoring;

/// <summary>Counts bad windows in a row; a good window starts the count again (seed-spec §6.8, §6.9).</summary>
internal sealed class ConsecutiveWindows(int threshold)
{
    private int _bad;

    /// <summary>Records one window; true when it makes <c>threshold</c> bad ones in a row (the count then restarts).</summary>
    public bool Record(bool bad)
    {
        _bad = bad ? _bad + 1 : 0;
        if (_bad < threshold)
        {
            return false;
        }

        _bad = 0;
        return true;
    }

    public void Reset() => _bad = 0;
}
