using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Api;

/// <summary><c>DELETE /hls/{stream_id}/clients/{client_id}</c>: kick a client; always 200, as the reference.</summary>
internal static class ClientEndpoints
{
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapDelete("/hls/{streamId}/clients/{clientId}", async (string streamId, string clientId, StreamLifecycle lifecycle, IClusterCommands cluster, CancellationToken cancellationToken) =>
        {
            if (lifecycle.TryGetClient(clientId, out var client))
            {
                lifecycle.DisconnectClient(client);
            }
            else
            {
                await cluster.DisconnectClientAsync(clientId, cancellationToken); // connected to another instance
            }

            return ApiResults.Message($"Client {clientId} disconnected");
        });
        return routes;
    }
}
