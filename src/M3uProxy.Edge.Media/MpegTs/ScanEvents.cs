namespace M3uProxy.Edge.Media.MpegTs;

/// <summary>What one packet changed in a <see cref="TransportStreamScanner"/>.</summary>
[Flags]
public enum ScanEvents
{
    None = 0,

    /// <summary>A new random access point: <see cref="TransportStreamScanner.KeyframePosition"/> moved.</summary>
    Keyframe = 1,

    /// <summary>The PAT or PMT changed (their packets are what a joiner is sent first).</summary>
    ProgramChanged = 2,

    /// <summary>Something in <see cref="TransportStreamScanner.BuildInfo"/> changed.</summary>
    InfoChanged = 4,
}
