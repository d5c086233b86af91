namespace Ale.Speed.Worker.Import;

/// <summary>What one <c>ale-speed import</c> did with a file: every line and vehicle is accounted for.</summary>
internal sealed class ImportSummary
{
    public required string File { get; init; }

    public required string UnitId { get; init; }

    public required string Format { get; init; }

    /// <summary>Lines (frames) read, rejected ones included.</summary>
    public long Lines { get; set; }

    /// <summary>Non-blank lines before a CSV export's header (title, date, site code): read, neither data nor rejects.</summary>
    public long PreambleLines { get; set; }

    /// <summary>Rejected lines and vehicles by reason (a duplicate within the file is a <c>Duplicate</c> reject).</summary>
    public SortedDictionary<string, long> Rejects { get; } = new(StringComparer.Ordinal);

    /// <summary>Range reports (OPS243-C) in the file: no speed, not rejects.</summary>
    public long RangeReports { get; set; }

    /// <summary>Settings answers and product information in the file: no speed, not rejects.</summary>
    public long DeviceMessages { get; set; }

    /// <summary>Readings too few to make a vehicle (streaming formats: a burst of one reading is noise).</summary>
    public long NoiseReadings { get; set; }

    /// <summary>Vehicles the file holds after parsing and filtering.</summary>
    public long Vehicles { get; set; }

    /// <summary>Of those, counted now for the first time.</summary>
    public long New { get; set; }

    /// <summary>Already counted by an earlier import of this unit.</summary>
    public long AlreadyImported { get; set; }

    /// <summary>Already counted because the unit sent them live to the worker.</summary>
    public long AlreadyLive { get; set; }

    /// <summary>Bins written to InfluxDB (complete, rebuilt from every vehicle imported for their windows).</summary>
    public long BinsWritten { get; set; }

    /// <summary>Hour, day and month rollups written (every local day the import touched rebuilt whole, and its month merged from the stored days).</summary>
    public long RollupsWritten { get; set; }

    /// <summary>Vehicles of an earlier import whose bins had not been stored (an interrupted run), stored now.</summary>
    public long Recovered { get; set; }

    public DateTimeOffset? FirstVehicle { get; set; }

    public DateTimeOffset? LastVehicle { get; set; }

    public TimeSpan Elapsed { get; set; }

    public long TotalRejects => Rejects.Values.Sum();
}

/// <summary>How far an import has got, for the progress bar.</summary>
internal readonly record struct ImportProgress(string Phase, long Done, long Total, long Lines);
