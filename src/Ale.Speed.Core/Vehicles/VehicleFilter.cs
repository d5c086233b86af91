using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;

namespace Ale.Speed.Core.Vehicles;

/// <summary>Per-unit filter settings that are not properties of the unit itself.</summary>
public sealed record FilterOptions
{
    /// <summary>How far a unit's clock may run ahead of ours before its vehicles count as from the future.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many recent vehicle identities the duplicate filter remembers per unit.</summary>
    public int DuplicateCapacity { get; init; } = 4096;

    /// <summary>
    /// Vehicles older than this (against now) are rejected as <see cref="RejectReason.TooLate"/>; null accepts any age.
    /// The worker sets it to its late-data horizon, beyond which a bin could no longer be rebuilt complete.
    /// </summary>
    public TimeSpan? LateHorizon { get; init; }

    public static FilterOptions Default { get; } = new();

    public bool TryValidate(out string? error)
    {
        if (ClockSkew < TimeSpan.Zero)
        {
            error = $"{nameof(ClockSkew)} must not be negative (was {ClockSkew}).";
        }
        else if (LateHorizon is { } horizon && horizon <= TimeSpan.Zero)
        {
            error = $"{nameof(LateHorizon)} must be positive (was {horizon}).";
        }
        else if (DuplicateCapacity <= 0)
        {
            error = $"{nameof(DuplicateCapacity)} must be positive (was {DuplicateCapacity}).";
        }
        else
        {
            error = null;
        }

        return error is null;
    }

    public void Validate()
    {
        if (!TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(FilterOptions));
        }
    }
}

/// <summary>
/// Corrects and checks one unit's vehicles, in this order: placing a whole-number speed in the interval it stands for
/// (<see cref="SpeedResolution"/>); cosine correction (true = measured / cos(angle)); quantising
/// to 0.01 km/h, the resolution at which bins count; plausible range; direction selection; timestamps (future, clock
/// reset, before installation); duplicates.
/// </summary>
/// <remarks>
/// Only a vehicle that passes every other check is remembered by the duplicate filter, so a rejected record cannot
/// shadow a later good one. One instance per unit, used from one thread. Allocation-free once warm.
/// </remarks>
public sealed class VehicleFilter
{
    /// <summary>2000-01-01T00:00:00Z: anything earlier is a unit clock that was reset, not a real time.</summary>
    public const long ClockResetBeforeMs = 946_684_800_000;

    private readonly Unit _unit;
    private readonly TimeProvider _timeProvider;
    private readonly double _cosine;
    private readonly SpeedResolution _resolution;
    private readonly double _minKmh;
    private readonly double _maxKmh;
    private readonly long _skewMs;
    private readonly long _lateHorizonMs;
    private readonly DuplicateFilter _duplicates;

    public VehicleFilter(Unit unit, TimeProvider timeProvider, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= FilterOptions.Default;
        options.Validate();
        double angle = unit.MountingAngleDegrees;
        if (!double.IsFinite(angle) || Math.Abs(angle) >= 90)
        {
            throw new ArgumentException($"Unit '{unit.Id}': mounting angle {angle}° must be finite and below 90°.", nameof(unit));
        }

        if (!(unit.MinPlausibleKmh >= 0 && unit.MinPlausibleKmh <= unit.MaxPlausibleKmh && unit.MaxPlausibleKmh <= Unit.PlausibleKmhCeiling))
        {
            throw new ArgumentException(
                $"Unit '{unit.Id}': plausible range [{unit.MinPlausibleKmh}, {unit.MaxPlausibleKmh}] km/h must lie within [0, {Unit.PlausibleKmhCeiling}].",
                nameof(unit));
        }

        _unit = unit;
        _timeProvider = timeProvider;
        Options = options;
        _cosine = angle == 0 ? 1.0 : Math.Cos(angle * Math.PI / 180.0);
        _resolution = unit.SpeedResolution;
        _minKmh = unit.MinPlausibleKmh;
        _maxKmh = unit.MaxPlausibleKmh;
        _skewMs = (long)options.ClockSkew.TotalMilliseconds;
        _lateHorizonMs = options.LateHorizon is { } horizon ? (long)horizon.TotalMilliseconds : long.MaxValue;
        _duplicates = new DuplicateFilter(options.DuplicateCapacity);
    }

    public Unit Unit => _unit;

    public FilterOptions Options { get; }

    /// <summary>
    /// Returns <see cref="RejectReason.None"/> and the corrected vehicle in <paramref name="accepted"/>, or why the vehicle
    /// is rejected (then <paramref name="accepted"/> is the input with its speed corrected, for diagnostics).
    /// </summary>
    public RejectReason Apply(in Vehicle vehicle, out Vehicle accepted)
        => Apply(vehicle, NowMs(), out accepted);

    /// <summary>Now, as the filter's clock says, in Unix milliseconds.</summary>
    internal long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// <see cref="Apply(in Vehicle, out Vehicle)"/> against a "now" the caller read from <see cref="NowMs"/>: the ingest
    /// path reads the clock once per buffer, not per vehicle (a virtual call and a clock read each), since the future
    /// and late checks work at a scale of minutes and the vehicles of one buffer arrive within microseconds.
    /// </summary>
    internal RejectReason Apply(in Vehicle vehicle, long nowMs, out Vehicle accepted)
    {
        // Most units look straight along the road: dividing by 1 changes nothing (it is exact), and skipping it takes a
        // division off the chain of latencies that the range check and the binner's insertion wait for.
        double measured = _resolution.IsExact ? vehicle.SpeedKmh : _resolution.Place(vehicle);
        double corrected = SpeedQuantum.Quantise(_cosine == 1.0 ? measured : measured / _cosine);
        accepted = vehicle with { SpeedKmh = corrected };

        // Written so that NaN fails the range check.
        if (!(corrected >= _minKmh && corrected <= _maxKmh))
        {
            return RejectReason.SpeedOutOfRange;
        }

        if (!IsSelected(vehicle.Direction, _unit.Directions))
        {
            return RejectReason.DirectionExcluded;
        }

        long timestampMs = vehicle.TimestampMs;
        if (timestampMs > nowMs + _skewMs)
        {
            return RejectReason.TimestampInFuture;
        }

        if (timestampMs < ClockResetBeforeMs)
        {
            return RejectReason.TimestampClockReset;
        }

        if (timestampMs < _unit.InstalledAtMs)
        {
            return RejectReason.TimestampBeforeInstallation;
        }

        if (nowMs - timestampMs > _lateHorizonMs)
        {
            return RejectReason.TooLate;
        }

        // Without a sequence number or the unit's own time there is no identity to recognise a repeat by: the time is
        // ours, and two vehicles at one speed can arrive in one read.
        if (!accepted.HasDeviceTime && accepted.Sequence < 0)
        {
            return RejectReason.None;
        }

        return _duplicates.TryRemember(VehicleIdentity.Of(accepted)) ? RejectReason.None : RejectReason.Duplicate;
    }

    /// <summary>
    /// Remembers an already accepted vehicle's identity without checking it: how the worker restores duplicate
    /// suppression from its journal after a restart, so that a redelivered message counts nothing twice.
    /// </summary>
    public void Remember(in Vehicle accepted)
    {
        if (accepted.HasDeviceTime || accepted.Sequence >= 0)
        {
            _duplicates.TryRemember(VehicleIdentity.Of(accepted));
        }
    }

    /// <summary>Forgets every remembered identity (benchmarks reuse one filter for many runs).</summary>
    internal void Reset() => _duplicates.Clear();


    /// <summary><see cref="Direction.Unknown"/> passes only <see cref="DirectionSelection.Both"/>.</summary>
    public static bool IsSelected(Direction direction, DirectionSelection selection) => selection switch
    {
        DirectionSelection.Both => true,
        DirectionSelection.ApproachingOnly => direction == Direction.Approaching,
        DirectionSelection.RecedingOnly => direction == Direction.Receding,
        _ => false,
    };
}
