using Ale.Speed.Benchmarks.Load;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "load")
{
    return await ReadLoad.RunAsync(args).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
