namespace M3uProxy.Edge.Coordination;

/// <summary>
/// Commands for whichever instance holds what they are about. A client is connected to one
/// instance, which may not be the one asked: the command reaches every instance, and the one that
/// holds the client acts. On a single instance there is nobody else to tell.
/// </summary>
internal interface IClusterCommands
{
    /// <summary>Tells the other instances to disconnect <paramref name="clientId"/> if they hold it.</summary>
    ValueTask DisconnectClientAsync(string clientId, CancellationToken cancellationToken);
}

/// <summary>A single instance: commands act here only.</summary>
internal sealed class LocalClusterCommands : IClusterCommands
{
    public ValueTask DisconnectClientAsync(string clientId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
