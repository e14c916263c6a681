using System.Buffers;
using M3uProxy.Edge.Clients;
using M3uProxy.Edge.Metrics;

namespace M3uProxy.Edge.Upstream;

/// <summary>
/// Copies an upstream body to a client, for VOD and HLS segments (live viewers copy from the
/// fan-out instead). Errors are results, not exceptions, and tell input from output, as YARP's
/// <c>StreamCopier</c> does; <see cref="Report"/> is the one mapping of a result to metrics and
/// to the response. The buffer is rented only once data is there (after a zero-byte read) and
/// returned while the upstream is idle, so a thousand paused players hold no buffers.
/// </summary>
internal static class BodyCopier
{
    /// <summary>The copy buffer: large enough for a few Kestrel writes per read, small enough for the array pool.</summary>
    public const int BufferSize = 64 * 1024;

    /// <summary>Copies until the input ends; <paramref name="progress"/> is the watchdog's write timing, when the viewer is watched.</summary>
    public static async Task<BodyCopy> CopyAsync(Stream input, Stream output, ServedBytes served, WriteProgress? progress, CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        long copied = 0;
        var reading = true;
        try
        {
            while (true)
            {
                reading = true;
                var waiting = input.ReadAsync(Memory<byte>.Empty, cancellationToken);
                if (!waiting.IsCompletedSuccessfully && buffer is not null)
                {
                    // Nothing to read yet: hold no buffer while the upstream is idle.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }

                await waiting;
                buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
                var read = await input.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return new BodyCopy(CopyResult.Success, copied, null);
                }

                reading = false;
                progress?.Begin();
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                progress?.End();
                copied += read;
                served.Add(read);
            }
        }
        catch (Exception exception)
        {
            var result = cancellationToken.IsCancellationRequested ? CopyResult.Canceled
                : reading ? CopyResult.InputError
                : CopyResult.OutputError;
            return new BodyCopy(result, copied, exception);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// What an unfinished copy means: an input error counts as an upstream read error (a client
    /// that went away does not), and the response is aborted, because its headers promised a
    /// whole body and a client must see a broken one, never a short one. A cancelled copy is
    /// left to its caller, whose request has ended or been superseded.
    /// </summary>
    public static void Report(this BodyCopy copy, HttpContext context, ProxyMetrics metrics, bool abort = true)
    {
        if (copy.Result == CopyResult.InputError)
        {
            metrics.UpstreamError(nameof(UpstreamFailure.Read));
        }

        if (abort && copy.Result is CopyResult.InputError or CopyResult.OutputError)
        {
            context.Abort();
        }
    }
}
