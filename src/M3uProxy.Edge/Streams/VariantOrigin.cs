namespace M3uProxy.Edge.Streams;

/// <summary>Which master playlist an HLS variant was taken from, and its position in it (-1: not found).</summary>
internal sealed record VariantOrigin(string MasterUrl, int Position);
