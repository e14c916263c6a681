namespace M3uProxy.Edge.Coordination;

/// <summary>An instance of the cluster: its worker id and the base URL the others reach it at (null on a single instance).</summary>
internal sealed record InstanceInfo(string WorkerId, string? AdvertiseUrl);
