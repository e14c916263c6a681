using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// The proxy as a process (the build's app host), read from its console: <c>LOG_FORMAT=json</c>
/// lines, <c>LOG_LEVEL</c> in Python and .NET names, and no credentials in any line.
/// </summary>
public sealed class ConsoleLogTests
{
    private sealed class RunningProxy : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        public RunningProxy(Dictionary<string, string> environment)
        {
            Port = FreePort();
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "m3u-proxy"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            start.Environment["HOST"] = "127.0.0.1";
            start.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Record(e.Data);
            _process.ErrorDataReceived += (_, e) => Record(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromSeconds(30) };
        }

        public int Port { get; }

        public HttpClient Client { get; }

        public IReadOnlyList<string> Lines => [.. _lines];

        private void Record(string? line)
        {
            if (!string.IsNullOrEmpty(line))
            {
                _lines.Enqueue(line);
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
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        /// <summary>Stops the process as SIGTERM would and waits for its last lines.</summary>
        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
                await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            }
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

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private static async Task PlayUnreachableStreamAsync(RunningProxy proxy)
    {
        using var create = await proxy.Client.PostAsync(
            "streams",
            new StringContent("""{"url":"http://viewer:pa55word@127.0.0.1:1/live/alice/s3cret/7.ts?token=t0k3n"}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var id = JsonDocument.Parse(await create.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("stream_id").GetString();
        using var play = await proxy.Client.GetAsync($"stream/{id}?api_token=never-logged", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadGateway, play.StatusCode);
    }

    [Fact]
    public async Task JsonFormat_WritesOneJsonObjectPerLine_WithoutCredentials()
    {
        await using var proxy = new RunningProxy(new() { ["LOG_FORMAT"] = "json", ["LOG_LEVEL"] = "INFO", ["STREAM_RETRY_ATTEMPTS"] = "1", ["STREAM_RETRY_DELAY"] = "0" });
        await proxy.WaitUntilUpAsync();

        await PlayUnreachableStreamAsync(proxy);
        await proxy.StopAsync();

        var lines = proxy.Lines;
        Assert.Contains(lines, l => l.Contains("Client client_", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("***", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            // Each line is one JSON object (a timestamp prefix, then the object).
            var json = JsonDocument.Parse(line[line.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
            Assert.True(json.TryGetProperty("LogLevel", out _), line);
            Assert.True(json.TryGetProperty("Category", out _), line);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", json.GetProperty("Timestamp").GetString());
            Assert.DoesNotContain("pa55word", line, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);
            Assert.DoesNotContain("t0k3n", line, StringComparison.Ordinal);
            Assert.DoesNotContain("never-logged", line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("WARNING", false, false)]
    [InlineData("Warning", false, false)]
    [InlineData("INFO", true, false)]
    [InlineData("Debug", true, true)]
    [InlineData("TRACE", true, true)]
    public async Task LogLevel_AcceptsPythonAndDotNetNames(string level, bool expectInfo, bool expectDebug)
    {
        await using var proxy = new RunningProxy(new() { ["LOG_LEVEL"] = level, ["STREAM_RETRY_ATTEMPTS"] = "0" });
        await proxy.WaitUntilUpAsync();

        await PlayUnreachableStreamAsync(proxy);
        await proxy.StopAsync();

        var lines = proxy.Lines;
        Assert.Equal(expectInfo, lines.Any(l => l.Contains(" info: ", StringComparison.Ordinal)));
        Assert.Equal(expectDebug, lines.Any(l => l.Contains(" dbug: ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" warn: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("s3cret", StringComparison.Ordinal) || l.Contains("never-logged", StringComparison.Ordinal));
    }
}
