namespace M3uProxy.Edge.Tools;

/// <summary>Which encoder family transcodes: the hardware probe's answer.</summary>
internal enum HardwareKind
{
    Cpu,
    Nvenc,
    Qsv,
    Vaapi,
}
