using System.Globalization;
using Ale.Speed.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["--alternate-json", ..])
{
    JsonPathAlternation.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(JsonPathBenchmarks).Assembly).Run(args);
