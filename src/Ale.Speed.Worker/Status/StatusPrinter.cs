using System.Globalization;

namespace Ale.Speed.Worker.Status;

/// <summary><c>ale-speed status</c>: the running worker's live figures from its status file.</summary>
internal static class StatusPrinter
{
    public static int Print(string dataDirectory, TimeProvider timeProvider, TextWriter output)
    {
        string path = Path.Combine(dataDirectory, WorkerStatus.FileName);
        WorkerStatus? status = WorkerStatus.Read(path);
        if (status is null)
        {
            output.WriteLine($"No status at {path}: the worker has not run with this data directory.");
            return 3;
        }

        TimeSpan age = timeProvider.GetUtcNow() - status.UpdatedAt;
        bool running = status.StoppedAt is null && age.TotalSeconds <= Math.Max(10, 3 * status.IntervalSeconds);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Worker {status.WriterId} (pid {status.ProcessId}), started {status.StartedAt:u}"));
        output.WriteLine(status.StoppedAt is DateTimeOffset stopped
            ? string.Create(c, $"STOPPED — shut down cleanly at {stopped:u} (figures below are from then)")
            : running
            ? string.Create(c, $"RUNNING — status updated {age.TotalSeconds:0.0} s ago")
            : string.Create(c, $"NOT RUNNING — last status {age.TotalMinutes:0.0} min ago (figures below are from then)"));
        output.WriteLine(string.Create(c, $"Spool: {status.SpoolBytes:N0} of {status.MaxSpoolBytes:N0} bytes{(status.SpoolFull ? "  ** FULL: sources not acknowledged **" : "")}{(status.DiskFull ? "  ** DISK FULL **" : "")}"));
        output.WriteLine(string.Create(c, $"Journal: {status.VehiclesJournaled:N0} vehicles journaled since start, {status.JournalLag:N0} not yet confirmed stored, {status.JournalTruncatedBytes} torn bytes dropped at start"));
        if (status.VehiclesAlreadyImported > 0)
        {
            output.WriteLine(string.Create(c, $"Import: {status.VehiclesAlreadyImported:N0} live vehicles not counted again (an import had counted them from the unit's log)"));
        }

        output.WriteLine(string.Create(c, $"InfluxDB: {status.BinsWritten:N0} bins written, {status.UnwrittenBins} waiting; last success {Time(status.LastWriteSuccess)}; last failure {Time(status.LastWriteFailureAt)} {status.LastWriteFailure}"));
        if (status.Coverage is { } coverage)
        {
            output.WriteLine(string.Create(c, $"Coverage: {coverage.Written:N0} points written, {coverage.Pending} waiting, {coverage.Dropped} dropped (those windows read as outages)"));
        }
        foreach (string warning in status.StartupWarnings)
        {
            output.WriteLine($"  ** At start: {warning} **");
        }

        if (status.Mqtt is { } mqtt)
        {
            output.WriteLine(string.Create(c, $"MQTT: {(mqtt.Connected ? "connected" : "** NOT CONNECTED **")}, {mqtt.MessagesReceived:N0} messages received, {mqtt.MessagesAcknowledged:N0} acknowledged, {mqtt.UnknownUnitMessages:N0} from unconfigured units ({mqtt.QuarantinedMessages:N0} quarantined), {mqtt.Reconnects:N0} reconnects"));
            if (mqtt.SessionTakeovers > 0)
            {
                output.WriteLine(string.Create(c, $"  ** MQTT session of client id {mqtt.ClientId} taken over by another client {mqtt.SessionTakeovers:N0} times: give each worker its own client id **"));
            }
        }

        output.WriteLine();
        output.WriteLine($"{"unit",-14} {"site",-24} {"transport",-9} {"frames",10} {"vehicles",10} {"rejects",8} {"last vehicle",-22} state");
        foreach (UnitStatus unit in status.Units)
        {
            long rejects = unit.Rejects.Values.Sum();
            output.WriteLine(string.Create(c,
                $"{unit.Id,-14} {unit.Site,-24} {unit.Transport,-9} {unit.Frames,10:N0} {unit.VehiclesAccepted,10:N0} {rejects,8:N0} {Time(unit.LastVehicleAt),-22} {(unit.Silent ? "SILENT" : "ok")}"));
            foreach ((string reason, long count) in unit.Rejects.OrderByDescending(r => r.Value))
            {
                output.WriteLine(string.Create(c, $"{"",16}{reason}: {count:N0}"));
            }

            if (unit.RangeReports > 0 || unit.DeviceMessages > 0)
            {
                output.WriteLine(string.Create(c, $"{"",16}not speeds, not rejects: {unit.RangeReports:N0} range reports, {unit.DeviceMessages:N0} device messages"));
            }
        }

        foreach ((string unit, long count) in status.UnknownUnits)
        {
            output.WriteLine(string.Create(c, $"Unknown unit '{unit}': {count:N0} messages rejected"));
        }

        return running ? 0 : 1;
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.ToString("u", CultureInfo.InvariantCulture) : "never";
}
