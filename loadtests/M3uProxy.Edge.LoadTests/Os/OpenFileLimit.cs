using System.Runtime.InteropServices;

namespace M3uProxy.Edge.LoadTests.Os;

/// <summary>
/// Raises this process's soft RLIMIT_NOFILE to its hard limit (1000 viewers need 1000 sockets, and
/// the default soft limit is often 1024). Linux only; elsewhere it reports what it could not do.
/// </summary>
internal static partial class OpenFileLimit
{
    private const int RlimitNofile = 7; // Linux, every architecture .NET runs on

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>Returns the soft limit in force afterwards, or null when it cannot be read.</summary>
    public static ulong? Raise()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (SetRLimit(RlimitNofile, in raised) == 0)
            {
                return raised.Current;
            }
        }

        return limit.Current;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
