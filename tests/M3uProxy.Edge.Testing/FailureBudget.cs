namespace M3uProxy.Edge.Testing;

/// <summary>"Fail the next N requests with this status", consumed atomically by concurrent requests.</summary>
internal sealed class FailureBudget(int count, int statusCode)
{
    private int _remaining = count;

    public int StatusCode { get; } = statusCode;

    public bool TryConsume()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }
}
