using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using M3uProxy.Edge.LoadTests.Report;
using M3uProxy.Edge.LoadTests.Scenarios;

namespace M3uProxy.Edge.LoadTests.Cli;

/// <summary>
/// <c>m3u-loadgen download|live|zap|failover [options]</c>: one scenario against one target per
/// invocation, one step per client count. See loadtests/README.md.
/// </summary>
internal static class LoadCommandLine
{
    public static RootCommand Build(TextWriter log)
    {
        var root = new RootCommand("Load generator for M3uProxy.Edge (loopback only; every run is bounded in time).");
        root.Add(Scenario("download", "(1) N clients download a large file as fast as they can, each with its own upstream.",
            "/long600.ts", "1,10,200", duration: 5, ramp: 0, DownloadScenario.RunStepAsync, log));
        root.Add(Scenario("live", "(2) N live viewers of one real-time channel.",
            "/pace/long600.ts", "10,200,1000", duration: 20, ramp: 2, LiveScenario.RunStepAsync, log));

        var channels = new Option<int>("--channels") { Description = "Channels the viewers rotate through", DefaultValueFactory = _ => 8 };
        var switchEvery = new Option<double>("--switch-every") { Description = "Seconds a viewer stays on a channel", DefaultValueFactory = _ => 3 };
        root.Add(Scenario("zap", "(3) Zapping: viewers switch channels every few seconds.",
            "/pace/long600.ts", "50", duration: 20, ramp: 2, ZapScenario.RunStepAsync, log,
            (parse, settings) => settings with
            {
                Channels = Math.Max(1, parse.GetValue(channels)),
                SwitchEvery = TimeSpan.FromSeconds(parse.GetValue(switchEvery)),
            },
            channels, switchEvery));

        var every = new Option<double>("--every") { Description = "Seconds between two failover requests", DefaultValueFactory = _ => 5 };
        root.Add(Scenario("failover", "(4) Failover under load: viewers of one stream while POST /streams/{id}/failover runs (m3u-proxy target only).",
            "/pace/long600.ts", "50", duration: 20, ramp: 2, FailoverScenario.RunStepAsync, log,
            (parse, settings) => settings with { FailoverEvery = TimeSpan.FromSeconds(parse.GetValue(every)) },
            every));
        root.Add(ReportCommand(log));
        return root;
    }

    private static Command Scenario(
        string name,
        string description,
        string defaultPath,
        string defaultClients,
        double duration,
        double ramp,
        ScenarioStep step,
        TextWriter log,
        Func<ParseResult, RunSettings, RunSettings>? extra = null,
        params Option[] extraOptions)
    {
        var target = new Option<string>("--target") { Description = "direct | prefix:BASE (pass-through proxy) | m3u-proxy:BASE (creates streams through the API)", DefaultValueFactory = _ => "direct" };
        var label = new Option<string?>("--name") { Description = "Label in the report (default: the target's kind)" };
        var origin = new Option<string>("--origin") { Description = "The origin's base URL", DefaultValueFactory = _ => "http://127.0.0.1:18080" };
        var path = new Option<string>("--path") { Description = "Path of the media on the origin", DefaultValueFactory = _ => defaultPath };
        var clients = new Option<string>("--clients") { Description = "Client counts, one step each (comma-separated)", DefaultValueFactory = _ => defaultClients };
        var durationOption = new Option<double>("--duration") { Description = "Measurement window per step, seconds", DefaultValueFactory = _ => duration };
        var rampOption = new Option<double>("--ramp") { Description = "Clients start spread over this many seconds", DefaultValueFactory = _ => ramp };
        var stall = new Option<double>("--stall-ms") { Description = "A gap between two reads at least this long is a stall", DefaultValueFactory = _ => 1000 };
        var pid = new Option<int?>("--pid") { Description = "PID of the target's process (its descendants are included): CPU and RSS" };
        var originLog = new Option<string?>("--origin-log") { Description = "The origin's request log: its new lines count upstream requests" };
        var token = new Option<string?>("--api-token") { Description = "X-API-Token for the proxy's API (default: env M3U_PROXY_TOKEN)" };
        var output = new Option<string?>("--out") { Description = "Write the JSON report here" };
        var reps = new Option<int>("--reps") { Description = "Repetitions of every step; the report keeps the median (by MB/s)", DefaultValueFactory = _ => 1 };

        var command = new Command(name, description) { target, label, origin, path, clients, durationOption, rampOption, stall, pid, originLog, token, output, reps };
        foreach (var option in extraOptions)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var targetSpec = parse.GetValue(target)!;
            var settings = new RunSettings(
                name,
                parse.GetValue(label) ?? targetSpec.Split(':')[0],
                targetSpec,
                new Uri(parse.GetValue(origin)!),
                parse.GetValue(path)!,
                ParseCounts(parse.GetValue(clients)!),
                TimeSpan.FromSeconds(parse.GetValue(durationOption)),
                TimeSpan.FromSeconds(parse.GetValue(rampOption)),
                TimeSpan.FromMilliseconds(parse.GetValue(stall)),
                parse.GetValue(pid),
                parse.GetValue(originLog),
                parse.GetValue(token) ?? Environment.GetEnvironmentVariable("M3U_PROXY_TOKEN"),
                parse.GetValue(output));
            settings = (extra?.Invoke(parse, settings) ?? settings) with { Reps = Math.Max(1, parse.GetValue(reps)) };
            var report = await ScenarioRunner.RunAsync(settings, step, parse.Tokens.Select(t => t.Value).Prepend(name).ToList(), log);
            return report.Steps.All(s => s.StarvedClients < s.Clients) ? 0 : 1;
        });
        return command;
    }

    /// <summary><c>report FILES [--out FILE]</c>: markdown tables from the JSON reports.</summary>
    private static Command ReportCommand(TextWriter log)
    {
        var files = new Argument<string[]>("files") { Description = "JSON reports written with --out", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Write the markdown here (default: the console)" };
        var command = new Command("report", "Markdown tables (downloads, live viewers, zapping and failover) from JSON reports.") { files, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reports = new List<RunReport>();
            foreach (var file in parse.GetValue(files)!)
            {
                var json = await File.ReadAllTextAsync(file, cancellationToken);
                reports.Add(JsonSerializer.Deserialize(json, LoadJsonContext.Default.RunReport) ?? throw new InvalidDataException($"{file}: empty report"));
            }

            var markdown = MarkdownReport.Render(reports);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }
            else
            {
                await log.WriteAsync(markdown);
            }
        });
        return command;
    }

    private static int[] ParseCounts(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
}
