using M3uProxy.Edge.Cli;
using M3uProxy.Edge.Configuration;
using M3uProxy.Edge.Hosting;

// `m3u-proxy list`, `create …`, `monitor`…: the client commands (Cli/), built only when asked for.
if (CliApp.Handles(args))
{
    return await CliApp.RunAsync(args, CliConsole.System, handleCtrlC: true, CancellationToken.None);
}

var commandLine = ServerCommandLine.Parse(args);
if (commandLine.Error is not null)
{
    Console.Error.WriteLine($"m3u-proxy: {commandLine.Error}");
    Console.Error.WriteLine(ServerCommandLine.Usage);
    return 2;
}

if (commandLine.ShowHelp || commandLine.ShowVersion)
{
    Console.WriteLine(commandLine.ShowHelp ? ServerCommandLine.Usage : ProxyVersion.Server);
    return 0;
}

// Precedence, lowest first: .env in the working directory, environment variables, flags.
var raw = new ConfigurationBuilder()
    .AddInMemoryCollection(DotEnvFile.ReadIfPresent(Path.Combine(Environment.CurrentDirectory, ".env")))
    .AddEnvironmentVariables()
    .Build();
var configuration = SettingsLoader.Load(raw, commandLine.Overrides);
if (!configuration.IsValid)
{
    foreach (var error in configuration.Errors)
    {
        Console.Error.WriteLine($"m3u-proxy: invalid configuration: {error}");
    }

    return 2;
}

// A port in use (the reference still holding 8085 during a swap) or any other start-up failure:
// one line naming the cause and exit 1, never a stack trace.
WebApplication? app = null;
try
{
    app = EdgeApp.Build(configuration);
    await app.StartAsync();
}
catch (Exception error)
{
    Console.Error.WriteLine($"m3u-proxy: {StartupFailure.Describe(error, configuration.Settings)}");
    if (app is not null)
    {
        await app.DisposeAsync();
    }

    return StartupFailure.ExitCode;
}

await using (app)
{
    await app.WaitForShutdownAsync();
}

return 0;
