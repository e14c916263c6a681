using System.Text;
using System.Text.Json.Nodes;
using M3uProxy.Edge.Tests.Infrastructure;

namespace M3uProxy.Edge.Tests.Api;

/// <summary>
/// How a control-plane body is read (<c>RequestBody</c>): whole, whether its length is declared or it
/// comes in chunks, up to <c>MAX_REQUEST_BODY_BYTES</c> exactly; and what one create call allocates.
/// </summary>
public sealed class RequestBodyTests
{
    private const int Limit = 4096;

    /// <summary>What a create call may allocate in the proxy: measured 6.4 kB (23 kB with a 16 KiB read buffer and a growing copy).</summary>
    private const long CreateBudgetBytes = 12_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABodyOfExactlyTheLimit_IsRead_AndOneByteMore_Is413(bool chunked)
    {
        await using var host = await ProxyHost.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var (status, json) = await CreateAsync(host, BodyOf(Limit, "http://a.example/exact.ts"), chunked);
        Assert.Equal(200, status);
        Assert.Equal("http://a.example/exact.ts", (string?)json!["primary_url"]);

        (status, json) = await CreateAsync(host, BodyOf(Limit + 1, "http://a.example/over.ts"), chunked);
        Assert.Equal(413, status);
        Assert.Contains("too large", (string?)json!["detail"], StringComparison.Ordinal);
    }

    /// <summary>A chunked body several times the first read buffer: every piece is kept, in order (the URL comes last).</summary>
    [Fact]
    public async Task AChunkedBodyLargerThanTheFirstBuffer_IsReadWhole()
    {
        await using var host = await ProxyHost.StartAsync();
        var body = BodyOf(50_000, "http://a.example/large.ts");

        var (status, json) = await CreateAsync(host, body, chunked: true);

        Assert.Equal(200, status);
        Assert.Equal("http://a.example/large.ts", (string?)json!["primary_url"]);
        Assert.Equal(PadLength(50_000, "http://a.example/large.ts"), ((string?)json["metadata"]!["pad"])!.Length);
    }

    /// <summary>
    /// What the proxy allocates for each create call, in a process of its own (its runtime's count on
    /// <c>/metrics</c>): m3u-editor makes one at every channel start, so it is part of every zap.
    /// </summary>
    [Fact]
    public async Task ACreateCall_AllocatesLittle()
    {
        await using var proxy = ChildProxy.Start(new Dictionary<string, string> { ["LOG_LEVEL"] = "WARNING" });
        await proxy.WaitUntilUpAsync();
        const int Calls = 300;
        for (var i = 0; i < 50; i++)
        {
            await proxy.CreateStreamAsync($"http://warm.example/{i}.ts"); // JIT, pools, the connection
        }

        var before = await proxy.AllocatedBytesAsync();
        for (var i = 0; i < Calls; i++)
        {
            await proxy.CreateStreamAsync($"http://a.example/channel/{i}.ts");
        }

        var perCall = (await proxy.AllocatedBytesAsync() - before) / Calls;
        TestContext.Current.TestOutputHelper?.WriteLine($"{perCall} B allocated per create call");
        Assert.True(perCall <= CreateBudgetBytes, $"{perCall} B allocated per create call");
    }

    private static async Task<(int Status, JsonNode? Json)> CreateAsync(ProxyHost host, string body, bool chunked)
    {
        using HttpContent content = chunked ? new ChunkedContent(body) : new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("streams", content, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }

    /// <summary>A create body of exactly <paramref name="length"/> bytes: metadata padded, the URL last.</summary>
    private static string BodyOf(int length, string url)
        => $$"""{"metadata":{"pad":"{{new string('x', PadLength(length, url))}}"},"url":"{{url}}"}""";

    private static int PadLength(int length, string url) => length - $$"""{"metadata":{"pad":""},"url":"{{url}}"}""".Length;
}
