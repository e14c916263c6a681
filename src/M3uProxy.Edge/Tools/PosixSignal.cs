using System.Runtime.InteropServices;

namespace M3uProxy.Edge.Tools;

/// <summary>SIGTERM for a child process: .NET's <c>Process.Kill</c> only sends SIGKILL, which gives ffmpeg no chance to finish its output.</summary>
internal static partial class PosixSignal
{
    private const int SigTerm = 15;

    public static bool Terminate(int processId)
        => !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
