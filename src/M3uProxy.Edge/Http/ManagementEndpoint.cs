namespace M3uProxy.Edge.Http;

/// <summary>Endpoint metadata: this route is part of the management API and honours <c>API_TOKEN</c>.</summary>
internal sealed class ManagementEndpoint
{
    public static ManagementEndpoint Instance { get; } = new();

    private ManagementEndpoint()
    {
    }
}
