using Ale.Speed.Core.Frames;

namespace Ale.Speed.Core.Ingest;

/// <summary>
/// What one unit's ingest path has seen. Plain fields incremented by the ingest thread (no allocation, no interlocking);
/// a monitor on another thread reads whole longs, which on 64-bit never tear, and may see a slightly stale value.
/// </summary>
public sealed class IngestCounters
{
    private static readonly int s_reasonCount = Enum.GetValues<RejectReason>().Max(r => (int)r) + 1;

    private readonly long[] _rejects = new long[s_reasonCount];

    /// <summary>Frames consumed, rejected ones included.</summary>
    public long Frames { get; internal set; }

    /// <summary>Frames that parsed but reported no target (DR500 <c>000</c>).</summary>
    public long NoTargetFrames { get; internal set; }

    /// <summary>Range reports of an FMCW radar (OPS243-C): well-formed, no speed, not rejects.</summary>
    public long RangeReports { get; internal set; }

    /// <summary>Settings answers and product information a unit sent: well-formed, no speed, not rejects.</summary>
    public long DeviceMessages { get; internal set; }

    /// <summary>Readings parsed from accepted frames.</summary>
    public long Readings { get; internal set; }

    /// <summary>Readings of extra targets in multi-target frames that the detector did not follow.</summary>
    public long UntrackedReadings { get; internal set; }

    /// <summary>Readings discarded by the detector as noise (bursts below the minimum).</summary>
    public long NoiseReadings { get; internal set; }

    /// <summary>Vehicles the detector told apart from a burst that would otherwise have counted once (dense traffic).</summary>
    public long SplitBursts { get; internal set; }

    /// <summary>Hours in which the detector found at least <c>DetectorOptions.HighFlowPerHour</c> vehicles: counts there may be low.</summary>
    public long HighFlowHours { get; internal set; }

    /// <summary>Vehicles the parser reported or the detector completed, before filtering.</summary>
    public long Vehicles { get; internal set; }

    /// <summary>Vehicles that passed the filters and went to the sink.</summary>
    public long VehiclesAccepted { get; internal set; }

    /// <summary>Rejects (frames and vehicles) indexed by <see cref="RejectReason"/>; index 0 (<see cref="RejectReason.None"/>) stays 0.</summary>
    public ReadOnlySpan<long> Rejects => _rejects;

    public long RejectCount(RejectReason reason) => (uint)reason < (uint)_rejects.Length ? _rejects[(int)reason] : 0;

    /// <summary>All rejects, frames and vehicles.</summary>
    public long TotalRejects
    {
        get
        {
            long total = 0;
            foreach (long count in _rejects)
            {
                total += count;
            }

            return total;
        }
    }

    internal void CountReject(RejectReason reason) => _rejects[(int)reason]++;

    internal void Reset()
    {
        Array.Clear(_rejects);
        Frames = NoTargetFrames = RangeReports = DeviceMessages = Readings = UntrackedReadings = NoiseReadings = SplitBursts = HighFlowHours = Vehicles = VehiclesAccepted = 0;
    }
}
