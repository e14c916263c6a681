namespace M3uProxy.Edge.Tests.Transcoding;

/// <summary>Tests that run real ffmpeg encodes: one at a time (2 cores), all fed from one ffmpeg-made source file.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TranscodingTests
{
    public const string Name = "Transcoding";
}
