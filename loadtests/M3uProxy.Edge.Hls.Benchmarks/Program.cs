using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(M3uProxy.Edge.Hls.Benchmarks.PlaylistRewriteBenchmarks).Assembly).Run(args);
