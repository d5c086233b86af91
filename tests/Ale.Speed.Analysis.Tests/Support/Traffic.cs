using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Support;

/// <summary>Builds raw vehicles and bins them the way the worker does; the tests compute expected figures from the raw vehicles.</summary>
internal static class Traffic
{
    public const long WindowMs = 5 * 60_000;
    public const long HourMs = 3_600_000;

    /// <summary>The tests' own Stockholm zone, independent of the code under test.</summary>
    public static TimeZoneInfo Stockholm { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>Local wall time (unambiguous) to Unix ms.</summary>
    public static long Local(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Stockholm.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    public static DateTimeOffset ToLocal(long ms) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), Stockholm);

    /// <summary>Monday 00 = 0.</summary>
    public static int HourOfWeek(long ms)
    {
        DateTimeOffset local = ToLocal(ms);
        return ((int)local.DayOfWeek + 6) % 7 * 24 + local.Hour;
    }

    /// <summary>A speed with two decimals (what the filter keeps), within the plausible range.</summary>
    public static double Speed(double value) => Math.Round(Math.Clamp(value, 3, 240), 2);

    public static double Normal(Random random, double mean, double sd)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static Vehicle Vehicle(Unit unit, long ms, double speed, Direction direction = Direction.Approaching, VehicleClass vehicleClass = VehicleClass.Unknown)
        => new() { Unit = unit, TimestampMs = ms, SpeedKmh = Speed(speed), Direction = direction, Class = vehicleClass };

    /// <summary>Bins the vehicles with one binner and returns them as stored bins (as if read back), one writer.</summary>
    public static List<StoredBin> Bin(IEnumerable<Vehicle> vehicles, string writer = "w1")
    {
        var binner = new Binner();
        foreach (Vehicle v in vehicles)
        {
            binner.Add(v);
        }

        var bins = new List<Bin>();
        binner.DrainChanged(bins);
        return [.. bins.Select(b => new StoredBin(b.Key, writer, WindowMs, b))];
    }

    /// <summary>
    /// Bins the vehicles with one binner and writes them to the real InfluxDB as <paramref name="writerId"/> (into
    /// <paramref name="database"/>, default the server's), every level as the worker and import do: the windows and
    /// their hour, day and month rollups (<see cref="BinLevelWriter"/>).
    /// </summary>
    public static async Task WriteAsync(InfluxDbServer server, IEnumerable<Vehicle> vehicles, string writerId, string? database = null)
    {
        var binner = new Binner();
        foreach (Vehicle v in vehicles)
        {
            binner.Add(v);
        }

        var bins = new List<Bin>();
        binner.DrainChanged(bins);
        using var http = new HttpClient();
        InfluxOptions options = server.Options() with { MaxRetryAttempts = 0, Database = database ?? server.Database };
        using var writer = new InfluxWriter(http, options);
        var months = new MonthRollups(new BinReader(new InfluxQueryClient(http, options)), StockholmTime.Zone);
        var levels = new BinLevelWriter(writer, writer, new BinPointEncoder(), writerId, WindowMs, batchLines: 2000, months);
        levels.Add(bins, Rollups.RebuildTouched(bins.Select(b => b.Key), binner.Bins, WindowMs, StockholmTime.Zone));
        InfluxWriteResult? failure = await levels.WriteAsync();
        Assert.True(failure is null, $"{failure?.Failure} {failure?.StatusCode} {failure?.Message}");
    }
}
