namespace M3uProxy.Edge.Failover;

/// <summary>The outcome of one failover advance: the URL left, the URL now current, and why.</summary>
internal sealed record FailoverSwitch(string OldUrl, string NewUrl, int FailoverIndex, int AttemptNumber, string Reason, long Version);
