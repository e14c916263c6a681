using M3uProxy.Edge.FanOut;
using M3uProxy.Edge.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// When the idle release collects: after real work, once the process has been quiet for two ticks,
/// at most once per interval. Allocation, resident memory and time are the test's own.
/// </summary>
public sealed class IdleMemoryReleaseTests
{
    private const long Mib = 1024 * 1024;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero));
    private long _allocated;
    private long _resident = 40 * Mib;

    private IdleMemoryRelease Create() => new(new ReleasingBlockPools(), new FanOutMemory(64 * Mib), _time, NullLogger<IdleMemoryRelease>.Instance, () => _allocated, () => _resident);

    private void Ticks(IdleMemoryRelease release, int count, long allocatedPerTick = 0)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _allocated += allocatedPerTick;
            release.Tick();
        }
    }

    [Fact]
    public void ABurstThatAllocatedLittle_ButGrewResidentMemory_IsCollectedOnceQuiet()
    {
        var release = Create();
        Ticks(release, 12);
        Assert.Equal(0, release.Collections); // quiet and unchanged since start: nothing to give back

        // A burst served from pooled buffers: under the busy rate every second, but resident memory grows.
        _resident += 30 * Mib;
        Ticks(release, 3, allocatedPerTick: IdleMemoryRelease.BusyBytesPerSecond - 1);
        Assert.Equal(0, release.Collections); // not quiet yet

        Ticks(release, 2);
        Assert.Equal(1, release.Collections);

        // What stayed resident after the collection is the new baseline: no collection for it again.
        Ticks(release, 30);
        Assert.Equal(1, release.Collections);
    }

    [Fact]
    public void ABusySpell_IsCollectedOnceQuiet_AtMostOncePerInterval()
    {
        var release = Create();
        Ticks(release, 2, allocatedPerTick: IdleMemoryRelease.BusyBytesPerSecond);
        Ticks(release, 2);
        Assert.Equal(0, release.Collections); // within the interval since start

        Ticks(release, 8);
        Assert.Equal(1, release.Collections);

        Ticks(release, 2, allocatedPerTick: IdleMemoryRelease.BusyBytesPerSecond);
        Ticks(release, 5);
        Assert.Equal(1, release.Collections); // busy again, quiet again, but the interval has not passed

        Ticks(release, 5);
        Assert.Equal(2, release.Collections);
    }

    [Fact]
    public void SteadyTraffic_IsNeverCollected_EvenAsMemoryGrows()
    {
        var release = Create();
        for (var second = 0; second < 60; second++)
        {
            _resident += Mib;
            Ticks(release, 1, allocatedPerTick: IdleMemoryRelease.QuietBytesPerSecond);
        }

        Assert.Equal(0, release.Collections);
    }
}
