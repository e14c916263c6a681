using System.Globalization;

namespace M3uProxy.Edge.LoadTests.Measure;

/// <summary>
/// CPU time and resident memory of a process and its descendants, read from /proc (nginx's workers
/// are children of its master; the proxy is one process). Linux only.
/// </summary>
internal sealed class ProcessTree(int rootPid)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public int RootPid { get; } = rootPid;

    public bool IsAlive => Directory.Exists($"/proc/{RootPid}");

    /// <summary>utime + stime of the tree, in seconds.</summary>
    public double CpuSeconds() => Pids().Sum(pid => StatTicks(pid)) / TicksPerSecond;

    /// <summary>VmRSS of the tree, in bytes.</summary>
    public long RssBytes() => Pids().Sum(pid => StatusKb(pid, "VmRSS:")) * 1024;

    /// <summary>Busy CPU seconds of the whole machine (all cores), from /proc/stat.</summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal
        long busy = 0;
        foreach (var index in (int[])[1, 2, 3, 6, 7, 8])
        {
            busy += long.Parse(fields[index], CultureInfo.InvariantCulture);
        }

        return busy / TicksPerSecond;
    }

    private List<int> Pids()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryStatFields(pid, out var fields))
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var tree = new List<int> { RootPid };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(pair => pair.Value == tree[i]).Select(pair => pair.Key));
        }

        return tree;
    }

    private static long StatTicks(int pid) => TryStatFields(pid, out var fields)
        ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
        : 0;

    /// <summary>The fields after "pid (comm) ": state is [0], ppid [1], utime [11], stime [12].</summary>
    private static bool TryStatFields(int pid, out string[] fields)
    {
        fields = [];
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 12;
        }
        catch (IOException)
        {
            return false; // the process ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long StatusKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
