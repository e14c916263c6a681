using System.Runtime.InteropServices;

namespace M3uProxy.Edge.Hosting;

/// <summary>
/// glibc keeps the pages of freed native allocations (sockets, the runtime's own tables) in its
/// per-thread arenas; <c>malloc_trim</c> hands every whole free page back. musl has no such call
/// (and needs none): then this does nothing.
/// </summary>
internal static partial class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Trim()
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            _unavailable = true;
        }
        catch (DllNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
