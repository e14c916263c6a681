using M3uProxy.Edge.Testing;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Samples an origin's open connections every few milliseconds: the most it had at once while it ran.</summary>
public sealed class OpenConnectionSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _max;

    public OpenConnectionSampler(FakeOrigin origin)
    {
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var open = origin.OpenConnections;
                if (open > Volatile.Read(ref _max))
                {
                    Volatile.Write(ref _max, open);
                }

                await Task.Delay(2);
            }
        });
    }

    public int Max => Volatile.Read(ref _max);

    /// <summary>Stops sampling and returns the most open connections seen.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        return Max;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
