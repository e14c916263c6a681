namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Runs code on a new thread (never a pool thread, with fresh thread-static state) and waits for it.</summary>
internal static class OwnThread
{
    /// <summary>Returns what <paramref name="work"/> returned on its own thread; rethrows what it threw.</summary>
    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the thread failed", failure);
        }

        return result;
    }
}
