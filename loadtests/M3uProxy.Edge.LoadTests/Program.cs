using M3uProxy.Edge.LoadTests.Cli;

return await LoadCommandLine.Build(Console.Out).Parse(args).InvokeAsync();
