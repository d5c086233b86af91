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
        }

        if (result.Drain.Count > 1)
        {
            // From the first journaled group to the last: .NET start-up and the broker's reconnect are not the worker's rate.
            (TimeSpan firstAt, long first) = result.Drain[0];
            (TimeSpan lastAt, long last) = result.Drain[^1];
            (TimeSpan tenthAt, long tenth) = result.Drain.First(d => d.Journaled >= last / 10);
            (TimeSpan ninetiethAt, long ninetieth) = result.Drain.First(d => d.Journaled >= last * 9 / 10);
            output.WriteLine(string.Create(c, $"drain: {last:N0} journaled in {(lastAt - firstAt).TotalSeconds:F1} s from the first ≈ {(last - first) / Math.Max(0.001, (lastAt - firstAt).TotalSeconds):N0}/s; 10 %–90 % of the backlog ≈ {(ninetieth - tenth) / Math.Max(0.001, (ninetiethAt - tenthAt).TotalSeconds):N0}/s ({result.Drain.Count} status samples); worker CPU {result.DrainCpu.TotalSeconds:F1} s ≈ {last / Math.Max(0.001, result.DrainCpu.TotalSeconds):N0} vehicles per CPU-second"));
        }

        output.WriteLine(string.Create(c, $"elapsed {result.Elapsed.TotalSeconds:F0} s — {(result.Exact ? "EXACT: every vehicle stored once" : $"NOT EXACT: {result.Stored - result.Sent:+#;-#;0} vehicles")}"));
    }
}
