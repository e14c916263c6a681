using System.Net.Http.Headers;
using System.Text.Json;

namespace M3uProxy.Edge.LoadTests.Targets;

/// <summary>
/// M3uProxy.Edge: <c>POST BASE/streams {"url", "failover_urls"}</c> answers <c>stream_endpoint</c>, which
/// clients play; <c>POST BASE/streams/{id}/failover</c> switches every viewer to the next source.
/// </summary>
internal sealed class ProxyTarget(Uri baseUri, HttpClient api, string? apiToken) : PlaybackTarget
{
    public override string Kind => "m3u-proxy";

    public override async Task<PlaybackUrl> ResolveAsync(Uri origin, IReadOnlyList<Uri> failover, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("url", origin.AbsoluteUri);
            if (failover.Count > 0)
            {
                json.WriteStartArray("failover_urls");
                foreach (var url in failover)
                {
                    json.WriteStringValue(url.AbsoluteUri);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        using var request = Request(HttpMethod.Post, "streams");
        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await api.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /streams answered {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var endpoint = root.GetProperty("stream_endpoint").GetString() ?? throw new HttpRequestException("no stream_endpoint");
        return new PlaybackUrl(new Uri(baseUri, endpoint), root.GetProperty("stream_id").GetString());
    }

    public override async Task<bool> TriggerFailoverAsync(PlaybackUrl stream, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"streams/{stream.StreamId}/failover");
        using var response = await api.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var root = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        var request = new HttpRequestMessage(method, new Uri(root, relative));
        if (!string.IsNullOrEmpty(apiToken))
        {
            request.Headers.Add("X-API-Token", apiToken);
        }

        return request;
    }
}
