using System.Globalization;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Coverage;

/// <summary>
/// Coverage day rollups on a real InfluxDB 1.6: reading whole days from them gives exactly the hours the coverage points
/// give, for random ranges across both daylight-saving shifts, several writers, two display modes and a unit silent for
/// hours; days the rollups do not reach (data stored before them) are read from the points, and said so.
/// </summary>
public sealed class CoverageDaysTests
{
    private const long WindowMs = 300_000;
    private const long HourMs = 3_600_000;
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    private static readonly (string Site, string Unit, DisplayMode Display)[] s_units =
    [
        ("a", "a1", DisplayMode.DisplayOn), ("a", "a2", DisplayMode.Stealth), ("b", "b1", DisplayMode.DisplayOn), ("c", "c1", DisplayMode.DisplayOn),
    ];

    private static long Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2025-03-27T00:00:00+01:00", "2025-04-02T00:00:00+02:00")] // spring forward: a 23-hour day
    [InlineData("2025-10-23T00:00:00+02:00", "2025-10-29T00:00:00+01:00")] // fall back: a 25-hour day
    public async Task ReadFromDayRollups_RandomRanges_AliveHoursEqualTheCoveragePoints(string from, string to)
    {
        await using InfluxDbServer server = await InfluxDbServer.StartNewAsync();
        long fromMs = Utc(from), toMs = Utc(to);
        var random = new Random((int)(fromMs / HourMs));
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, server.Options() with { MaxRetryAttempts = 0 });
        await WriteCoverageAsync(writer, random, fromMs, toMs, silent: (Utc(from) + 30 * HourMs, Utc(from) + 61 * HourMs));
        var days = new CoverageDays(server.QueryClient(), writer, s_stockholm);

        // As workers do: each writer its own days, a day at a time; then once more for every writer (idempotent).
        foreach (string writerId in (string[])["w1", "w2"])
        {
            for (long day = fromMs; day < toMs; day = Rollups.NextDayStart(day, s_stockholm))
            {
                Assert.Null((await days.RebuildAsync(day + HourMs, day + 2 * HourMs, writerId)).Failure);
            }
        }

        CoverageDaysResult all = await days.RebuildAsync(fromMs, toMs, writerId: null);
        Assert.Null(all.Failure);
        Assert.Equal((fromMs, toMs), (all.FromMs, all.ToMs));

        var notices = new List<string>();
        var points = new CoverageReader(server.QueryClient());
        var rollups = new CoverageReader(server.QueryClient()) { UseDayRollups = true, Notice = notices.Add };
        for (int i = 0; i < 40; i++)
        {
            (long a, long b) = RandomRange(random, fromMs, toMs);
            string? site = i % 4 == 0 ? "a" : null;
            await AssertSameAsync(points, rollups, a, b, site);
        }

        await AssertSameAsync(points, rollups, fromMs, toMs, null);
        Assert.Empty(notices);
        StoredCoverage whole = await rollups.ReadAsync(fromMs, toMs);
        Assert.InRange(whole.AliveHours("c").Count, 100, (int)((toMs - fromMs) / HourMs) - 30); // silent for 31 hours
        Assert.Equal((int)((toMs - fromMs) / HourMs), whole.AliveHours("a").Count);
    }

    [Fact]
    public async Task ReadFromDayRollups_DaysStoredBeforeTheRollupsOrAfterThem_ReadFromThePointsAndSaySo()
    {
        await using InfluxDbServer server = await InfluxDbServer.StartNewAsync();
        long fromMs = Utc("2025-03-27T00:00:00+01:00"), toMs = Utc("2025-04-04T00:00:00+02:00");
        var random = new Random(11);
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, server.Options() with { MaxRetryAttempts = 0 });
        await WriteCoverageAsync(writer, random, fromMs, toMs, silent: (0, 0));
        var days = new CoverageDays(server.QueryClient(), writer, s_stockholm);

        // Site a: rollups only from the third day (data stored before an upgrade); b: only up to the fifth day (a writer
        // that stopped keeping them); c: none at all.
        long third = Utc("2025-03-29T00:00:00+01:00"), sixth = Utc("2025-04-01T00:00:00+02:00");
        Assert.Null((await days.RebuildAsync(third, toMs, writerId: null)).Failure);
        await DeleteDayRollupsAsync(server, "b", sixth, toMs);
        await DeleteDayRollupsAsync(server, "c", fromMs, toMs);
        await DeleteDayRollupsAsync(server, "b", fromMs, third);

        var notices = new List<string>();
        var points = new CoverageReader(server.QueryClient());
        var rollups = new CoverageReader(server.QueryClient()) { UseDayRollups = true, Notice = notices.Add };
        await AssertSameAsync(points, rollups, fromMs, toMs, null);
        Assert.Contains(notices, n => n.Contains("'a'", StringComparison.Ordinal) && n.Contains("2025-03-27 to 2025-03-29", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("'b'", StringComparison.Ordinal) && n.Contains("2025-04-01 to 2025-04-04", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("'c'", StringComparison.Ordinal) && n.Contains("2025-03-27 to 2025-04-04", StringComparison.Ordinal));
        for (int i = 0; i < 10; i++)
        {
            (long a, long b) = RandomRange(random, fromMs, toMs);
            await AssertSameAsync(points, rollups, a, b, i % 2 == 0 ? "c" : null);
        }
    }

    /// <summary>Each unit alive in about nine windows in ten; b1's windows written by w1, w2 or both (a shared subscription); c1 silent for <paramref name="silent"/>.</summary>
    private static async Task WriteCoverageAsync(InfluxWriter writer, Random random, long fromMs, long toMs, (long From, long To) silent)
    {
        using var batch = writer.CreateBatch();
        foreach ((string site, string unit, DisplayMode display) in s_units)
        {
            for (long window = fromMs; window < toMs; window += WindowMs)
            {
                if (random.Next(10) == 0 || (unit == "c1" && window >= silent.From && window < silent.To))
                {
                    continue;
                }

                int writers = unit == "b1" ? random.Next(1, 4) : unit == "a2" ? 2 : 1;
                for (int w = 1; w <= 2; w++)
                {
                    if ((writers & w) != 0)
                    {
                        var point = new CoveragePoint(site, unit, display, window, WindowMs, random.Next(1, 50), random.Next(2) == 0);
                        CoverageSchema.Write(batch.Writer, point, $"w{w}", batch.Precision);
                    }
                }
            }
        }

        Assert.True((await writer.WriteAsync(batch)).IsComplete);
    }

    private static async Task DeleteDayRollupsAsync(InfluxDbServer server, string site, long fromMs, long toMs)
        => await server.QueryClient().QueryAsync(string.Create(CultureInfo.InvariantCulture,
            $"DELETE FROM \"{CoverageSchema.DayMeasurement}\" WHERE \"site\" = '{site}' AND time >= {fromMs}ms AND time < {toMs}ms"));

    /// <summary>A range at any minute, from minutes to the whole period, some starting or ending at a local midnight.</summary>
    private static (long From, long To) RandomRange(Random random, long fromMs, long toMs)
    {
        long a = fromMs + (long)(random.NextDouble() * (toMs - fromMs)) / 60_000 * 60_000;
        long b = a + (long)(random.NextDouble() * (random.Next(3) == 0 ? 3 * HourMs : toMs - a)) / 60_000 * 60_000 + 60_000;
        if (random.Next(4) == 0)
        {
            a = Rollups.DayStart(a, s_stockholm);
        }

        if (random.Next(4) == 0)
        {
            b = Rollups.NextDayStart(Rollups.DayStart(b - 1, s_stockholm), s_stockholm);
        }

        return (a, Math.Min(Math.Max(b, a + 60_000), toMs + HourMs));
    }

    private static async Task AssertSameAsync(CoverageReader points, CoverageReader rollups, long fromMs, long toMs, string? site)
    {
        StoredCoverage expected = await points.ReadAsync(fromMs, toMs, site);
        StoredCoverage actual = await rollups.ReadAsync(fromMs, toMs, site);
        foreach (string s in site is null ? (string[])["a", "b", "c"] : [site])
        {
            foreach (DisplayMode display in (DisplayMode[])[DisplayMode.DisplayOn, DisplayMode.Stealth])
            {
                Assert.Equal(expected.AliveHours(s, display), actual.AliveHours(s, display));
            }
        }
    }
}
