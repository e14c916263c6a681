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

await using var app = EdgeApp.Build(configuration);
await app.RunAsync();
return 0;
