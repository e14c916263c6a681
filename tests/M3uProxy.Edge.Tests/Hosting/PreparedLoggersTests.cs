using System.Reflection;
using M3uProxy.Edge.Hosting;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// Every <c>ILogger&lt;T&gt;</c> that one of our constructors asks for is registered as a closed type,
/// so that none is built at run time by the AOT type loader during start-up (a new service that
/// forgets it still works, only its start costs more: this is where that shows).
/// </summary>
public sealed class PreparedLoggersTests
{
    [Fact]
    public void EveryLoggerOurConstructorsTake_IsRegisteredClosed()
    {
        var prepared = new ServiceCollection().AddPreparedLoggers().Select(d => d.ServiceType).ToHashSet();
        var asked = typeof(EdgeApp).Assembly.GetTypes()
            // The Redis coordination is built only with REDIS_ENABLED, and only Coordination/Redis/ may name its types.
            .Where(t => t.Namespace?.StartsWith("M3uProxy.Edge.Coordination.Redis", StringComparison.Ordinal) != true)
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .SelectMany(c => c.GetParameters())
            .Select(p => p.ParameterType)
            .Where(p => p.IsGenericType && p.GetGenericTypeDefinition() == typeof(ILogger<>))
            .ToHashSet();

        Assert.NotEmpty(asked);
        var missing = asked.Where(t => !prepared.Contains(t)).Select(t => t.GenericTypeArguments[0].Name).Order().ToList();
        Assert.True(missing.Count == 0, "Add to Hosting/PreparedLoggers.cs: " + string.Join(", ", missing));
    }
}
