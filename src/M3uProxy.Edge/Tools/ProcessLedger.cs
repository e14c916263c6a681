using System.Globalization;
using M3uProxy.Edge.Configuration;

namespace M3uProxy.Edge.Tools;

/// <summary>
/// Records every child process this run starts (pid + the kernel's start time, so a reused pid is
/// never mistaken for ours) under <c>&lt;work&gt;/run-&lt;pid&gt;-&lt;start&gt;/</c>, next to the run's HLS
/// folders. At start-up, runs whose proxy is gone (killed with SIGKILL, crashed) are cleaned: their
/// surviving children are killed and their folders deleted, non-empty ones included (the reference
/// never removes those, seed-spec §8.5 [WEAK]). Runs of other live proxies sharing the folder are left alone.
/// </summary>
internal sealed partial class ProcessLedger
{
    private const string RunPrefix = "run-";
    private const string OwnerFileName = ".owner";
    private readonly string _pids;
    private readonly ILogger<ProcessLedger> _logger;

    public ProcessLedger(string workFolder, ILogger<ProcessLedger> logger)
    {
        _logger = logger;
        WorkFolder = workFolder;
        Directory.CreateDirectory(workFolder);
        CleanDeadRuns();
        RunFolder = Path.Combine(workFolder, RunPrefix + Identity(Environment.ProcessId));
        _pids = Path.Combine(RunFolder, "pids");
        CreatePrivateFolder(_pids);
    }

    public string WorkFolder { get; }

    /// <summary><c>&lt;HLS_TEMP_DIR or the temp folder&gt;/m3u-proxy-transcode</c>: where runs keep their records and transcoder folders.</summary>
    public static string WorkFolderOf(ProxySettings settings)
        => Path.Combine(settings.HlsTempDir.Length > 0 ? settings.HlsTempDir : Path.GetTempPath(), "m3u-proxy-transcode");

    /// <summary>This run's folder: HLS output folders go inside it.</summary>
    public string RunFolder { get; }

    /// <summary>A folder only this user can read (transcoder output, process records).</summary>
    public static void CreatePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// Marks <paramref name="folder"/> as this process's (a <c>.owner</c> file with its pid and start
    /// time), so that another proxy sharing the parent folder does not take it for a crashed run's leftover.
    /// </summary>
    public static void MarkOwned(string folder)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, OwnerFileName), Identity(Environment.ProcessId));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Unmarked: at worst another proxy's start-up removes it, as before.
        }
    }

    /// <summary>True when another process that is still running marked <paramref name="folder"/> with <see cref="MarkOwned"/>.</summary>
    public static bool IsOwnedByAnotherLiveProcess(string folder)
    {
        string owner;
        try
        {
            owner = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        var dash = owner.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && int.TryParse(owner.AsSpan(0, dash), CultureInfo.InvariantCulture, out var pid)
            && pid != Environment.ProcessId
            && IsAlive(pid, owner[(dash + 1)..]);
    }

    /// <summary>Records a started process and forgets it once it has exited and been reaped.</summary>
    public void Track(ToolProcess process)
    {
        Started(process.Id);
        _ = process.Exited.ContinueWith(_ => Exited(process.Id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Started(int pid)
    {
        try
        {
            File.WriteAllText(Path.Combine(_pids, pid.ToString(CultureInfo.InvariantCulture)), StartTime(pid) ?? "");
        }
        catch (IOException exception)
        {
            Log.LedgerWriteFailed(_logger, pid, exception.Message);
        }
    }

    public void Exited(int pid)
    {
        try
        {
            File.Delete(Path.Combine(_pids, pid.ToString(CultureInfo.InvariantCulture)));
        }
        catch (IOException)
        {
            // The next start cleans it.
        }
    }

    /// <summary>Removes this run's folder (clean shutdown).</summary>
    public void DeleteRun()
    {
        try
        {
            Directory.Delete(RunFolder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the next start.
        }
    }

    private void CleanDeadRuns()
    {
        foreach (var run in Directory.EnumerateDirectories(WorkFolder, RunPrefix + "*"))
        {
            var name = Path.GetFileName(run)[RunPrefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), CultureInfo.InvariantCulture, out var ownerPid) || IsAlive(ownerPid, name[(dash + 1)..]))
            {
                continue;
            }

            var killed = 0;
            var pids = Path.Combine(run, "pids");
            if (Directory.Exists(pids))
            {
                foreach (var file in Directory.EnumerateFiles(pids))
                {
                    if (int.TryParse(Path.GetFileName(file), CultureInfo.InvariantCulture, out var pid) && IsAlive(pid, File.ReadAllText(file).Trim()) && Kill(pid))
                    {
                        killed++;
                    }
                }
            }

            try
            {
                Directory.Delete(run, recursive: true);
                Log.DeadRunCleaned(_logger, name, killed);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Log.DeadRunNotCleaned(_logger, name, exception.Message);
            }
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(2000);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // already gone
        }
    }

    private static string Identity(int pid) => $"{pid}-{StartTime(pid) ?? "0"}";

    private static bool IsAlive(int pid, string startTime) => StartTime(pid) is { } now && (startTime.Length == 0 || now == startTime);

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c> (start time in clock ticks since boot); null when the process is gone.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Cleaned the leftovers of a previous run {Run}: killed {Killed} process(es), removed its folders")]
        public static partial void DeadRunCleaned(ILogger logger, string run, int killed);

        [LoggerMessage(61, LogLevel.Warning, "Could not remove the folder of a previous run {Run}: {Reason}")]
        public static partial void DeadRunNotCleaned(ILogger logger, string run, string reason);

        [LoggerMessage(62, LogLevel.Warning, "Could not record started process {Pid}: {Reason}")]
        public static partial void LedgerWriteFailed(ILogger logger, int pid, string reason);
    }
}
