using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Playback;

/// <summary>
/// Holds what is posted to it (a <c>Task.Yield</c> continuation among them) until the test runs it, so
/// a test sees exactly what an async method did before it gave its thread back. Each run is on a new
/// thread, as a continuation may run on any thread-pool thread (and per-thread state starts afresh).
/// </summary>
internal sealed class ManualSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();

    /// <summary>How many times the code under test gave its thread back so far.</summary>
    public int Posts { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_posted)
        {
            _posted.Enqueue((d, state));
            Posts++;
        }
    }

    /// <summary>Starts <paramref name="start"/> on this context, on a new thread, and returns what it returned, at its first yield or end.</summary>
    public T Start<T>(Func<T> start) => OwnThread.Run(() =>
    {
        SetSynchronizationContext(this);
        return start();
    });

    /// <summary>Runs what was posted, on this context, until <paramref name="task"/> ends (or nothing is left to run).</summary>
    public async Task RunUntilAsync(Task task)
    {
        while (!task.IsCompleted)
        {
            (SendOrPostCallback Callback, object? State) next;
            lock (_posted)
            {
                Assert.True(_posted.Count > 0, "the task waits for something other than its own posted continuations");
                next = _posted.Dequeue();
            }

            Start(() =>
            {
                next.Callback(next.State);
                return 0;
            });
        }

        await task;
    }
}
