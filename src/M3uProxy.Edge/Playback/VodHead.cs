using M3uProxy.Edge.Http;
using M3uProxy.Edge.Streams;
using M3uProxy.Edge.Upstream;

namespace M3uProxy.Edge.Playback;

/// <summary>
/// <c>HEAD /stream/{id}</c> for files (seed-spec §2.5): asks the upstream with HEAD (and the
/// client's Range) and copies length, modification time and range; still 200 with the basic
/// headers when the upstream HEAD fails. Unlike the reference it sends the stream's custom headers.
/// </summary>
internal sealed class VodHead
{
    private readonly UpstreamClient _upstream;

    public VodHead(UpstreamClient upstream) => _upstream = upstream;

    public async Task AnswerAsync(HttpContext context, StreamRecord stream, CancellationToken cancellationToken)
    {
        var definition = stream.Definition;
        var url = stream.EffectiveUrl;
        var range = context.Request.Headers.Range.ToString();
        var response = context.Response;
        try
        {
            using var upstream = await _upstream.SendAsync(
                new UpstreamRequest(url, definition.UserAgent, definition.Headers, range.Length > 0 ? range : null, HeadOnly: true), cancellationToken);
            var partial = range.Length > 0 && upstream.StatusCode == StatusCodes.Status206PartialContent;
            response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
            PlaybackHeaders.Apply(response, MediaContentType.Resolve(url, upstream.ContentType), acceptRanges: true);
            var headers = upstream.Message.Content.Headers;
            if (headers.ContentLength is { } length)
            {
                response.ContentLength = length;
            }

            if (headers.LastModified is { } modified)
            {
                response.Headers.LastModified = modified.ToString("R");
            }

            if (partial && headers.ContentRange is { } contentRange)
            {
                response.Headers.ContentRange = contentRange.ToString();
            }
        }
        catch (UpstreamException)
        {
            response.StatusCode = StatusCodes.Status200OK;
            PlaybackHeaders.Apply(response, MediaContentType.Resolve(url, null), acceptRanges: true);
        }
    }
}
