namespace M3uProxy.Edge.Coordination;

/// <summary>
/// The webhooks of the cluster: a webhook registered on any instance is registered on every one,
/// and each instance delivers the events that happen on it — so a receiver gets each event once,
/// not once per instance. Registrations are opaque JSON by URL here (the webhook feature owns
/// their shape). On a single instance there is nothing to share.
/// </summary>
internal interface IWebhookDirectory
{
    bool IsShared { get; }

    /// <summary>Raised when another instance added, changed or removed a webhook.</summary>
    event Action? Changed;

    /// <summary>Records a registration made here (and re-asserts it when Redis forgot it, with <paramref name="onlyIfAbsent"/>).</summary>
    ValueTask PutAsync(string url, string json, bool onlyIfAbsent, CancellationToken cancellationToken);

    /// <summary>Removes a registration everywhere.</summary>
    ValueTask RemoveAsync(string url, CancellationToken cancellationToken);

    /// <summary>Every registration by URL, and the URLs removed lately; null when Redis cannot be read.</summary>
    ValueTask<SharedWebhooks?> ListAsync(CancellationToken cancellationToken);
}

/// <summary>The registrations (URL → JSON) and the URLs removed lately (not to be re-asserted).</summary>
internal sealed record SharedWebhooks(IReadOnlyDictionary<string, string> Registered, IReadOnlySet<string> Removed);

/// <summary>A single instance: its registry is the whole truth.</summary>
internal sealed class LocalWebhookDirectory : IWebhookDirectory
{
    public bool IsShared => false;

    public event Action? Changed
    {
        add { }
        remove { }
    }

    public ValueTask PutAsync(string url, string json, bool onlyIfAbsent, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RemoveAsync(string url, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<SharedWebhooks?> ListAsync(CancellationToken cancellationToken) => ValueTask.FromResult<SharedWebhooks?>(null);
}
