using M3uProxy.Edge.Coordination;
using M3uProxy.Edge.Lifecycle;

namespace M3uProxy.Edge.Api;

/// <summary><c>DELETE /hls/{stream_id}/clients/{client_id}</c>: kick a client; always 200, as the reference.</summary>
internal static class ClientEndpoints
{
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Delete("/hls/{streamId}/clients/{clientId}", async context =>
        {
            var clientId = context.RouteValue("clientId");
            var lifecycle = context.Service<StreamLifecycle>();
            if (lifecycle.TryGetClient(clientId, out var client))
            {
                lifecycle.DisconnectClient(client);
            }
            else
            {
                await context.Service<IClusterCommands>().DisconnectClientAsync(clientId, context.RequestAborted); // connected to another instance
            }

            return ApiResults.Message($"Client {clientId} disconnected");
        });
        return routes;
    }
}
