using System.Diagnostics;
using System.Globalization;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// <see cref="JsonPathBenchmarks"/>' paths called in turn, round after round, on each input, reporting the minimum
/// and the 10th percentile per frame: on a shared machine whose load swings by ±50 % between BenchmarkDotNet's
/// iterations, the fastest runs of paths measured side by side are what compares them.
/// <c>dotnet run -c Release --project benchmarks/Ale.Speed.Benchmarks -- --alternate-json [rounds]</c>.
/// </summary>
internal static class JsonPathAlternation
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"{"input",-18} {"path",-12} {"min ns",8} {"p10 ns",8} {"min ratio",12} {"p10 ratio",12} {"bytes/frame",12}");
        foreach (JsonPathBenchmarks.JsonInput input in Enum.GetValues<JsonPathBenchmarks.JsonInput>())
        {
            var benchmark = new JsonPathBenchmarks { Input = input };
            benchmark.Setup();
            (string Name, Func<PipelineResult> Path)[] paths =
            [
                ("Parsers", benchmark.Parsers), ("GeneralOnly", benchmark.GeneralOnly),
            ];
            var times = paths.Select(_ => new List<double>(rounds)).ToArray();
            var allocated = new long[paths.Length];
            for (int round = 0; round < rounds; round++)
            {
                for (int p = 0; p < paths.Length; p++)
                {
                    long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                    long start = Stopwatch.GetTimestamp();
                    paths[p].Path();
                    times[p].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / BenchmarkInputs.FramesPerFormat);
                    allocated[p] += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
                }
            }

            double baselineMin = times[0].Min();
            double baselineP10 = Percentile(times[0], 0.1);
            for (int p = 0; p < paths.Length; p++)
            {
                double min = times[p].Min();
                double p10 = Percentile(times[p], 0.1);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{input,-18} {paths[p].Name,-12} {min,8:F1} {p10,8:F1} {min / baselineMin,12:F2} {p10 / baselineP10,12:F2} {(double)allocated[p] / rounds / BenchmarkInputs.FramesPerFormat,12:F2}"));
            }
        }
    }

    private static double Percentile(List<double> values, double q)
    {
        double[] sorted = [.. values.Order()];
        return sorted[(int)(q * (sorted.Length - 1))];
    }
}
