using System.Threading.Tasks.Sources;

namespace M3uProxy.Edge.FanOut;

/// <summary>
/// An auto-reset signal with one waiter at a time that can be awaited again and again without
/// allocating (a reusable <see cref="IValueTaskSource"/>). A <see cref="Set"/> with nobody
/// waiting is remembered, so a wake-up is never lost between "check" and "wait".
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Signaled = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private CancellationToken _waitToken;
    private int _state;

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return ValueTask.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Signaled between the two checks.
            Volatile.Write(ref _state, Idle);
            return ValueTask.CompletedTask;
        }

        _waitToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static s => ((AsyncSignal)s!).Cancel(), this);
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>
    /// Wakes the waiter, or remembers the wake-up for the next wait. With <paramref name="inline"/> the
    /// waiter's continuation runs on this thread before <see cref="Set"/> returns (no hand-over to
    /// another thread); the caller must hold no lock the waiter could need.
    /// </summary>
    public void Set(bool inline = false)
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    // Only the thread that won the transition touches the core until the next wait.
                    _core.RunContinuationsAsynchronously = !inline;
                    _core.SetResult(true);
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle:
                case Signaled:
                    return;
            }
        }
    }

    private void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
        {
            // Never inline: whoever cancels may hold locks.
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new OperationCanceledException(_waitToken));
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        _registration.Dispose();
        _registration = default;
        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
