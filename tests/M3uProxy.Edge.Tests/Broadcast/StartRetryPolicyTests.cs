using M3uProxy.Edge.Broadcast;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Broadcast;

public sealed class StartRetryPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 20, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AfterMaxFailures_RefusedUntilTheCooldownSinceTheLastAttempt()
    {
        var policy = new StartRetryPolicy(maxFailures: 3, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(15), _time);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(policy.TryBegin("n1"));
            policy.Failed("n1");
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        // Last attempt 2 s ago: 13 s left.
        Assert.Equal(13, policy.TryBegin("n1"));
        Assert.Null(policy.TryBegin("other"));
        _time.Advance(TimeSpan.FromSeconds(12.5));
        Assert.Equal(1, policy.TryBegin("n1"));
        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Null(policy.TryBegin("n1"));

        // Failing again right away is refused again for a whole cooldown.
        policy.Failed("n1");
        Assert.Equal(15, policy.TryBegin("n1"));
    }

    [Fact]
    public void FailuresOutsideTheWindow_AreForgotten()
    {
        var policy = new StartRetryPolicy(maxFailures: 2, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15), _time);
        policy.TryBegin("n1");
        policy.Failed("n1");
        _time.Advance(TimeSpan.FromSeconds(61));
        policy.TryBegin("n1");
        policy.Failed("n1");
        Assert.Null(policy.TryBegin("n1"));
        Assert.Equal(1, policy.FailureCount("n1"));
    }

    [Fact]
    public void SuccessClears_AndZeroMeansNoLimit()
    {
        var policy = new StartRetryPolicy(maxFailures: 1, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(15), _time);
        policy.TryBegin("n1");
        policy.Failed("n1");
        Assert.NotNull(policy.TryBegin("n1"));
        policy.Clear("n1");
        Assert.Null(policy.TryBegin("n1"));

        var unlimited = new StartRetryPolicy(maxFailures: 0, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(15), _time);
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(unlimited.TryBegin("n1"));
            unlimited.Failed("n1");
        }
    }
}
