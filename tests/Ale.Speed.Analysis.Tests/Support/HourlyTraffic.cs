using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Analysis.Tests.Support;

/// <summary>Constructed traffic hour by hour (for rankings by hour of the week), and one-unit sites to put it at.</summary>
internal static class HourlyTraffic
{
    /// <summary>Traffic for every hour of <paramref name="period"/>: <paramref name="perHour"/> gives the vehicles of one hour (its start, hour of week).</summary>
    public static IEnumerable<Vehicle> Hours(Period period, Func<long, int, Random, IEnumerable<Vehicle>> perHour, int seed)
    {
        var random = new Random(seed);
        for (long hour = period.FromMs; hour < period.ToMs; hour += Traffic.HourMs)
        {
            foreach (Vehicle v in perHour(hour, Traffic.HourOfWeek(hour), random))
            {
                yield return v;
            }
        }
    }

    /// <summary><paramref name="count"/> vehicles spread over the hour starting at <paramref name="hour"/>, in random directions.</summary>
    public static IEnumerable<Vehicle> Many(Unit unit, long hour, Random random, int count, Func<double> speed, VehicleClass vehicleClass = VehicleClass.Unknown)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), speed(), random.Next(2) == 0 ? Direction.Approaching : Direction.Receding, vehicleClass);
        }
    }

    public static (Unit Unit, CatalogUnit Entry) UnitAt(string siteId, int limit)
    {
        var site = new Site(siteId, siteId + " road", limit);
        return (new Unit { Id = "u-" + siteId, Site = site }, new CatalogUnit("u-" + siteId, siteId, DisplayMode.DisplayOn, TimeSpan.FromHours(1)));
    }

    public static SiteCatalog CatalogOf(params (Unit Unit, CatalogUnit Entry)[] units)
        => new([.. units.Select(u => u.Unit.Site)], [.. units.Select(u => u.Entry)]);
}
