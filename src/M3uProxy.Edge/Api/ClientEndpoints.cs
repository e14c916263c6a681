using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Api;

/// <summary><c>DELETE /hls/{stream_id}/clients/{client_id}</c>: kick a client; always 200, as the reference.</summary>
internal static class ClientEndpoints
{
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapDelete("/hls/{streamId}/clients/{clientId}", (string streamId, string clientId, StreamLifecycle lifecycle) =>
        {
            if (lifecycle.TryGetClient(clientId, out var client))
            {
                lifecycle.DisconnectClient(client);
            }

            return ApiResults.Message($"Client {clientId} disconnected");
        });
        return routes;
    }
}
