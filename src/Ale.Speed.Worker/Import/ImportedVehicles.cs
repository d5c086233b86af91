using Ale.Speed.Core.Vehicles;
using Ale.Speed.Worker.Journal;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// What <c>ale-speed import</c> has counted, as the live worker sees it: a unit that sends its backlog after its log was
/// read out and imported must not have those vehicles counted twice. The worker asks <see cref="Contains"/> for each
/// vehicle before journaling it.
/// </summary>
/// <remarks>
/// Each unit's import ledger is read when it changes (<see cref="Refresh"/>, called at start and after every flush) into
/// a set of identities plus the time span they cover, so a live vehicle outside every imported span — nearly all of
/// them — costs one comparison. The state is replaced whole, so the journal loop never waits for a reload.
/// </remarks>
internal sealed class ImportedVehicles(Func<string, string> ledgerDirectory, IEnumerable<Core.Sites.Unit> units)
{
    private readonly Core.Sites.Unit[] _units = [.. units];
    private readonly Dictionary<string, string> _stamps = new(StringComparer.Ordinal);
    private volatile Dictionary<string, UnitLedger> _ledgers = new(StringComparer.Ordinal);

    public bool Contains(in Vehicle vehicle)
    {
        Dictionary<string, UnitLedger> ledgers = _ledgers;
        return ledgers.Count > 0
            && ledgers.TryGetValue(vehicle.Unit.Id, out UnitLedger? ledger)
            && vehicle.TimestampMs >= ledger.MinMs && vehicle.TimestampMs <= ledger.MaxMs
            && ledger.Vehicles.Contains(vehicle);
    }

    /// <summary>Reloads the ledgers that changed since the last call. Returns how many were reloaded.</summary>
    public int Refresh()
    {
        Dictionary<string, UnitLedger>? next = null;
        foreach (Core.Sites.Unit unit in _units)
        {
            string unitId = unit.Id;
            string directory = ledgerDirectory(unitId);
            string stamp = Stamp(directory);
            if (_stamps.TryGetValue(unitId, out string? last) && last == stamp)
            {
                continue;
            }

            next ??= new Dictionary<string, UnitLedger>(_ledgers, StringComparer.Ordinal);
            var ledger = new UnitLedger();
            VehicleJournal.ReadShared(directory, long.MinValue, long.MaxValue, record =>
            {
                ledger.Vehicles.Add(record.ToVehicle(unit));
                ledger.MinMs = Math.Min(ledger.MinMs, record.TimestampMs);
                ledger.MaxMs = Math.Max(ledger.MaxMs, record.TimestampMs);
            });
            if (ledger.Vehicles.Count > 0)
            {
                next[unitId] = ledger;
            }
            else
            {
                next.Remove(unitId);
            }

            _stamps[unitId] = stamp;
        }

        if (next is null)
        {
            return 0;
        }

        int changed = next.Count;
        _ledgers = next;
        return changed;
    }

    /// <summary>Changes whenever an import appends to or confirms a ledger: its files' sizes and write times.</summary>
    private static string Stamp(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "";
        }

        var files = new DirectoryInfo(directory).GetFiles("*", SearchOption.TopDirectoryOnly);
        Array.Sort(files, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return string.Join('|', files.Where(f => f.Name != "import.lock").Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
    }

    private sealed class UnitLedger
    {
        public KnownVehicles Vehicles { get; } = new();

        public long MinMs { get; set; } = long.MaxValue;

        public long MaxMs { get; set; } = long.MinValue;
    }
}
