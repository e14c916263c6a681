using System.Net;
using System.Text.Json;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Hosting;

/// <summary>
/// The proxy as a process (the build's app host), read from its console: <c>LOG_FORMAT=json</c>
/// lines, <c>LOG_LEVEL</c> in Python and .NET names, and no credentials in any line.
/// </summary>
public sealed class ConsoleLogTests
{
    private static async Task PlayUnreachableStreamAsync(ChildProxy proxy)
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
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_FORMAT"] = "json", ["LOG_LEVEL"] = "INFO", ["STREAM_RETRY_ATTEMPTS"] = "1", ["STREAM_RETRY_DELAY"] = "0" });
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
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = level, ["STREAM_RETRY_ATTEMPTS"] = "0" });
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
