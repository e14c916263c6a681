namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>Polls a condition until it holds; fails the test with <c>what</c> when it does not within the bound.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        using var deadline = new CancellationTokenSource(within);
        while (!await condition())
        {
            Assert.False(deadline.IsCancellationRequested, "timed out waiting until " + what);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan within, string what) => HoldsAsync(() => Task.FromResult(condition()), within, what);
}
