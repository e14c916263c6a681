using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// The proxy as a real process (the build's app host, as the binary runs: server GC with DATAS, the
/// shipped runtime configuration), with its own environment and working folder, every console line
/// kept, and killed when disposed. The one way tests start the proxy as a process.
/// </summary>
public sealed class ChildProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errorLines = new();

    private ChildProxy(Process process)
    {
        _process = process;
    }

    public int Port { get; private init; }

    public HttpClient Client { get; private init; } = null!;

    /// <summary>Every line of stdout and stderr, in arrival order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public IReadOnlyList<string> ErrorLines => [.. _errorLines];

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    /// <summary>The process's resident memory now (<c>VmRSS</c> of <c>/proc/PID/status</c>), in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    // "VmRSS:     25432 kB"
                    return long.Parse(line["VmRSS:".Length..^"kB".Length].Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }

            throw new InvalidOperationException($"no VmRSS for process {_process.Id}");
        }
    }


    /// <summary>Starts <c>m3u-proxy ARGS</c> with HOST=127.0.0.1 and a free PORT unless <paramref name="environment"/> says otherwise.</summary>
    public static ChildProxy Start(IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, params string[] args)
    {
        var port = environment.TryGetValue("PORT", out var configured) ? int.Parse(configured, CultureInfo.InvariantCulture) : FreePort();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "m3u-proxy"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test machine's own configuration leaks in.
        foreach (var name in new[] { "API_TOKEN", "ROOT_PATH", "LOG_LEVEL", "LOG_FORMAT", "HOST", "PORT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOST"] = "127.0.0.1";
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var proxy = new ChildProxy(process)
        {
            Port = port,
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) },
        };
        process.OutputDataReceived += (_, e) => proxy.Record(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => proxy.Record(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return proxy;
    }

    private void Record(string? line, bool error)
    {
        if (!string.IsNullOrEmpty(line))
        {
            _lines.Enqueue(line);
            if (error)
            {
                _errorLines.Enqueue(line);
            }
        }
    }

    public async Task WaitUntilUpAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = await Client.GetAsync("livez", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "proxy did not start: " + string.Join("\n", Lines));
            Assert.False(_process.HasExited, "proxy exited: " + string.Join("\n", Lines));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Registers a stream of <paramref name="url"/> through the API; returns its id.</summary>
    public async Task<string> CreateStreamAsync(string url)
    {
        using var create = await Client.PostAsync("streams", new StringContent($$"""{"url":"{{url}}"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var body = await create.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(create.IsSuccessStatusCode, body);
        return (string)JsonNode.Parse(body)!["stream_id"]!;
    }

    /// <summary>What the proxy's runtime has allocated since it started (<c>/metrics</c>), so nothing else a test run does is counted.</summary>
    public async Task<long> AllocatedBytesAsync()
    {
        var metrics = await Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        var line = metrics.Split('\n').Single(l => l.StartsWith("dotnet_gc_heap_total_allocated_bytes_total ", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (at most 30 s) for a console line that matches.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, "no such line within 30 s:\n" + string.Join("\n", Lines));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits (at most 30 s) for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        // The asynchronous readers may still be delivering the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (as <c>docker stop</c> or a rolling restart does) and returns at once.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Stops the process with SIGTERM and waits for its last lines.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            await TerminateAsync();
            await WaitForExitAsync();
        }
    }

    /// <summary>Kills the proxy alone with SIGKILL (its children are left, as after a crash).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
