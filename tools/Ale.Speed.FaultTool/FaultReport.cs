using System.Globalization;

namespace Ale.Speed.FaultTool;

public static class FaultReport
{
    public static void Print(FaultRunResult result, FaultRunOptions options, TextWriter output)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"workers {options.Workers}, units {options.Units} (+{(options.SerialVehicles > 0 ? 1 : 0)} serial), rate {(options.Rate > 0 ? options.Rate.ToString("N0", c) + "/s" : "unpaced")}, seed {options.Seed}"));
        output.WriteLine(string.Create(c, $"faults caused: {result.Faults.Count}"));
        foreach (FaultEvent fault in result.Faults)
        {
            output.WriteLine(string.Create(c, $"  {fault.At.TotalSeconds,7:F1} s  {fault.What}"));
        }

        output.WriteLine(string.Create(c, $"sent      {result.Sent,12:N0}  ({result.MqttSent:N0} over MQTT, one per message, in {result.PublishTime.TotalSeconds:F1} s ≈ {result.MqttSent / Math.Max(0.001, result.PublishTime.TotalSeconds):N0}/s; {result.SerialSent:N0} over serial)"));
        output.WriteLine(string.Create(c, $"stored    {result.Stored,12:N0}  (sum of count over every bin and writer in InfluxDB)"));
        output.WriteLine(string.Create(c, $"republished without PUBACK {result.Republished:N0}, session takeovers {result.SessionTakeovers:N0}, unconfigured-unit messages {result.UnknownUnitMessages:N0}"));
        foreach (IGrouping<int, MemorySample> worker in result.Memory.GroupBy(m => m.Worker).OrderBy(g => g.Key))
        {
            long[] bytes = [.. worker.Select(m => m.ResidentBytes)];
            output.WriteLine(string.Create(c, $"worker {worker.Key} resident memory: {bytes.Length} samples, first {bytes[0] / 1048576.0:F0} MiB, min {bytes.Min() / 1048576.0:F0}, max {bytes.Max() / 1048576.0:F0}, last {bytes[^1] / 1048576.0:F0} MiB"));
            // Every sample, so that a warm-up can be told from a growth.
            output.WriteLine("  " + string.Join(' ', worker.Select(m => string.Create(c, $"{m.At.TotalSeconds:F0}s:{m.ResidentBytes / 1048576.0:F0}"))));
        }

        if (result.Drain.Count > 1)
        {
            // From the first journaled group on: .NET start-up and the reconnect are not the worker's rate. The second half
            // of the backlog is the sustained figure (the first carries the JIT's tiering and the caches filling).
            var first = result.Drain[0];
            var last = result.Drain[^1];
            var half = result.Drain.First(d => d.Journaled >= last.Journaled / 2);
            output.WriteLine(string.Create(c, $"drain: {last.Journaled:N0} journaled in {(last.At - first.At).TotalSeconds:F1} s from the first ≈ {Rate(first, last)}/s, worker CPU {(last.Cpu - first.Cpu).TotalSeconds:F1} s ≈ {PerCpu(first, last)} vehicles per CPU-second"));
            output.WriteLine(string.Create(c, $"drain, second half of the backlog: ≈ {Rate(half, last)}/s, ≈ {PerCpu(half, last)} vehicles per CPU-second ({result.Drain.Count} status samples)"));

            string Rate((TimeSpan At, long Journaled, TimeSpan Cpu) from, (TimeSpan At, long Journaled, TimeSpan Cpu) to)
                => ((to.Journaled - from.Journaled) / Math.Max(0.001, (to.At - from.At).TotalSeconds)).ToString("N0", c);
            string PerCpu((TimeSpan At, long Journaled, TimeSpan Cpu) from, (TimeSpan At, long Journaled, TimeSpan Cpu) to)
                => ((to.Journaled - from.Journaled) / Math.Max(0.001, (to.Cpu - from.Cpu).TotalSeconds)).ToString("N0", c);
        }

        output.WriteLine(string.Create(c, $"elapsed {result.Elapsed.TotalSeconds:F0} s — {(result.Exact ? "EXACT: every vehicle stored once" : $"NOT EXACT: {result.Stored - result.Sent:+#;-#;0} vehicles")}"));
    }
}
