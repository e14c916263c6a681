using System.CommandLine;
using System.Globalization;
using M3uProxy.Edge.Api;
using M3uProxy.Edge.Api.Models;
using M3uProxy.Edge.Cli.Output;

namespace M3uProxy.Edge.Cli.Commands;

/// <summary>
/// <c>monitor</c>: <c>GET /stats</c> every <c>--interval</c> seconds, drawn as a table of streams,
/// clients and bandwidth until Ctrl-C (redrawn in place on a terminal). <c>--once</c> draws one frame.
/// Once running, a failed poll is reported and retried, so a server restart does not end it.
/// </summary>
internal static class MonitorCommand
{
    /// <summary>ANSI: cursor home, clear screen.</summary>
    private const string ClearScreen = "\u001b[H\u001b[2J";

    public static Command Create(CommandRunner runner)
    {
        var once = new Option<bool>("--once") { Description = "Print one frame and exit" };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between refreshes",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 5,
        };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
            {
                result.AddError("--interval must be between 0.1 and 3600 seconds");
            }
        });
        var count = new Option<int?>("--count") { Description = "Stop after this many frames", HelpName = "N" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--count must be at least 1");
            }
        });
        var command = new Command("monitor", "Live table of streams, clients and bandwidth (Ctrl-C to stop)") { once, interval, count };

        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var frames = context.Parse.GetValue(once) ? 1 : context.Parse.GetValue(count);
            var seconds = context.Parse.GetValue(interval);
            var redraw = context.Console.IsTerminal && !context.Json && frames != 1;
            var bandwidth = new BandwidthTracker(TimeProvider.System);
            try
            {
                for (var frame = 1; ; frame++)
                {
                    await DrawFrameAsync(context, bandwidth, frame, seconds, redraw, cancellationToken);
                    if (frame >= frames)
                    {
                        return CliExitCodes.Success;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C is how a monitor ends.
                return CliExitCodes.Success;
            }
        });
        return command;
    }

    private static async Task DrawFrameAsync(CommandContext context, BandwidthTracker bandwidth, int frame, double seconds, bool redraw, CancellationToken cancellationToken)
    {
        ApiAnswer<FullStatsResponse> answer;
        try
        {
            answer = await context.Client.GetAsync("stats", EdgeJsonContext.Api.FullStatsResponse, notFound: null, cancellationToken);
        }
        catch (CliException exception) when (frame > 1)
        {
            await context.Console.Error.WriteLineAsync($"m3u-proxy: {exception.Message}; retrying in {seconds:0.#} s");
            bandwidth.Reset();
            return;
        }

        if (context.PrintedAsJson(answer))
        {
            return;
        }

        bandwidth.BeginFrame();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Render(text, context.Client.DisplayAddress, answer.Value, bandwidth, seconds);
        bandwidth.EndFrame();
        // One write per frame, so a terminal never shows half of one.
        await context.Out.WriteAsync((redraw ? ClearScreen : frame > 1 ? Environment.NewLine : "") + text);
        await context.Out.FlushAsync(cancellationToken);
    }

    private static void Render(TextWriter writer, string server, FullStatsResponse stats, BandwidthTracker bandwidth, double seconds)
    {
        var streams = stats.Streams ?? [];
        var streamRates = streams.ToDictionary(stream => stream, stream => bandwidth.Rate("stream:" + stream.StreamId, stream.TotalBytesServed, stream.CreatedAt));
        writer.WriteLine($"m3u-proxy monitor: {server}, every {seconds:0.#} s, {HumanFormat.Timestamp(bandwidth.Now.ToString("O", CultureInfo.InvariantCulture))} UTC (Ctrl-C to stop)");
        StatsTables.WriteSummary(writer, stats, streamRates.Values.Sum());
        writer.WriteLine();
        StatsTables.WriteStreams(writer, streams, stream => streamRates[stream], shortIds: true);
        writer.WriteLine();
        StatsTables.WriteClients(writer, stats.Clients, bandwidth.Now, client => bandwidth.Rate("client:" + client.ClientId, client.BytesServed, client.CreatedAt));
    }
}
