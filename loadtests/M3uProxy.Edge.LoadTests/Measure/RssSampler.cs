namespace M3uProxy.Edge.LoadTests.Measure;

/// <summary>Samples a process tree's RSS every 200 ms while a measurement window is open.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly List<long> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(ProcessTree tree)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            try
            {
                do
                {
                    var rss = tree.RssBytes();
                    lock (_samples)
                    {
                        _samples.Add(rss);
                    }
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException)
            {
                // the window closed
            }
        });
    }

    public long Peak
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? 0 : _samples.Max();
            }
        }
    }

    /// <summary>The median of the second half of the window: the level once every client has settled.</summary>
    public long Steady
    {
        get
        {
            lock (_samples)
            {
                var late = _samples.Skip(_samples.Count / 2).Order().ToList();
                return late.Count == 0 ? 0 : late[late.Count / 2];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
