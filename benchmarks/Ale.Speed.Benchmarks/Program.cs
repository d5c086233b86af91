using System.Globalization;
using Ale.Speed.Benchmarks;
using Ale.Speed.Benchmarks.Load;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "load")
{
    return await ReadLoad.RunAsync(args).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "read-timing")
{
    return await ReadTiming.RunAsync(args).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "month-merge")
{
    return await MonthMergeTiming.RunAsync(args).ConfigureAwait(false);
}

if (args is ["--alternate-json", ..])
{
    JsonPathAlternation.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(JsonPathBenchmarks).Assembly).Run(args);
return 0;
