namespace M3uProxy.Edge.Testing;

/// <summary>The body fault that fires next, see <see cref="OriginBehavior"/>.</summary>
internal enum OriginFault
{
    None,
    Stall,
    Drop,
    Reset,
}
