using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Time;

/// <summary>
/// The local hour of the week (<see cref="StockholmTime.HourOfWeek"/>) of the hours of a period, each hour converted
/// once: for loops over thousands of bins or hours, where the time-zone conversion would be most of the work.
/// </summary>
public sealed class HourOfWeekTable(Period period)
{
    private readonly long _firstHour = StockholmTime.HourStart(period.FromMs);

    // The hour of the week + 1 of each hour overlapping the period; 0 = not converted yet.
    private readonly byte[] _slots = new byte[period.HourCount];

    /// <summary>The hour of the week of <paramref name="unixMs"/> (also outside the period, unconverted).</summary>
    public int Of(long unixMs)
    {
        long index = (StockholmTime.HourStart(unixMs) - _firstHour) / StockholmTime.HourMs;
        if ((ulong)index >= (ulong)_slots.Length)
        {
            return StockholmTime.HourOfWeek(unixMs);
        }

        ref byte slot = ref _slots[index];
        if (slot == 0)
        {
            slot = (byte)(StockholmTime.HourOfWeek(unixMs) + 1);
        }

        return slot - 1;
    }
}
