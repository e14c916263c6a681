using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace M3uProxy.Edge.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, for one test; it can be
/// stopped and started again on the same port (a Redis restart that comes back empty).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>The settings that point an instance at this server.</summary>
    public Dictionary<string, string?> Settings(string workerId) => new()
    {
        ["REDIS_ENABLED"] = "true",
        ["REDIS_HOST"] = "127.0.0.1",
        ["REDIS_SERVER_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["WORKER_ID"] = workerId,
    };

    public static async Task<RedisServer> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServer(port);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again), empty, and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        Stop();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await PingAsync())
        {
            Assert.False(_process.HasExited, "redis-server exited at start");
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Kills the server at once (no shutdown handshake), as a crash would.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Runs one inline command (e.g. <c>DBSIZE</c>) and returns the raw first line of the reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return await CommandAsync("PING") == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
