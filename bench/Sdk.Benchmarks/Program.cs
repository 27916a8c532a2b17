// dotnet run -c Release --project bench/Sdk.Benchmarks -- --filter '*' --job short
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Braze.Benchmarks.WriteBenchmarks).Assembly).Run(args);
