namespace Ale.Speed.Core.Sites;

/// <summary>A place on a road where speeds are measured, with the speed limits in force there over time.</summary>
public sealed class Site
{
    private readonly SpeedLimitPeriod[] _limits;

    /// <param name="limits">At least one period; the earliest applies also before its start.</param>
    public Site(string id, string name, IEnumerable<SpeedLimitPeriod> limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(limits);
        Id = id;
        Name = string.IsNullOrWhiteSpace(name) ? id : name;
        _limits = [.. limits.OrderBy(l => l.FromMs)];
        if (_limits.Length == 0)
        {
            throw new ArgumentException($"Site '{id}' needs a speed limit.", nameof(limits));
        }

        foreach (SpeedLimitPeriod period in _limits)
        {
            if (period.LimitKmh is <= 0 or > 200)
            {
                throw new ArgumentException($"Site '{id}' has an implausible speed limit {period.LimitKmh} km/h.", nameof(limits));
            }
        }
    }

    public Site(string id, string name, int speedLimitKmh)
        : this(id, name, [new SpeedLimitPeriod(long.MinValue, speedLimitKmh)])
    {
    }

    public string Id { get; }

    public string Name { get; }

    public IReadOnlyList<SpeedLimitPeriod> Limits => _limits;

    /// <summary>The limit in force at <paramref name="timeMs"/> (Unix ms).</summary>
    public int LimitAt(long timeMs)
    {
        int limit = _limits[0].LimitKmh;
        for (int i = 1; i < _limits.Length && _limits[i].FromMs <= timeMs; i++)
        {
            limit = _limits[i].LimitKmh;
        }

        return limit;
    }
}

/// <summary>A speed limit in force from <see cref="FromMs"/> (Unix ms) until the next period starts.</summary>
public readonly record struct SpeedLimitPeriod(long FromMs, int LimitKmh);
