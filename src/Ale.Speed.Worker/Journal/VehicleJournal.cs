using System.Globalization;

namespace Ale.Speed.Worker.Journal;

/// <summary>
/// The durable log of accepted vehicles. A source is acknowledged only after its vehicles are appended and
/// <see cref="Commit"/> has flushed them to disk (group commit: one fsync for everything appended since the last one).
/// The log also serves as the spool in front of InfluxDB: records after the confirmed sequence (bins not yet stored)
/// are kept whatever their age, and records younger than the late-data horizon are kept so that a late vehicle's bin
/// can be rebuilt complete. Not thread-safe: one journal loop owns it.
/// </summary>
internal sealed partial class VehicleJournal : IDisposable
{
    private const string SegmentPrefix = "journal-";
    private const string SegmentSuffix = ".log";
    private const string CheckpointFileName = "checkpoint.bin";
    private const int ReadBufferBytes = 1024 * 1024;

    /// <summary>Where retired segments go when the journal keeps an archive (<c>Journal:ArchiveDays</c> &gt; 0).</summary>
    public const string ArchiveDirectoryName = "archive";

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly List<SegmentInfo> _segments = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Queue<(long Sequence, long TotalBytes)> _commits = new();
    private FileStream? _active;
    private int _buffered;
    private long _nextSequence = 1;
    private long _totalBytes;
    private long _confirmedTotalBytes;
    private int _committedSegments;
    private long _committedActiveLength;

    private readonly bool _archiveRetired;

    private VehicleJournal(string directory, long segmentBytes, bool archiveRetired)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _archiveRetired = archiveRetired;
    }

    /// <summary>Every vehicle with a sequence up to this one is in bins that InfluxDB has confirmed.</summary>
    public long ConfirmedSequence { get; private set; }

    /// <summary>The sequence of the last record appended (0 when empty).</summary>
    public long LastSequence => _nextSequence - 1;

    /// <summary>Bytes of records not yet confirmed stored: what the spool limit is measured against.</summary>
    public long UnconfirmedBytes => _totalBytes - _confirmedTotalBytes;

    /// <summary>Bytes dropped at open because a segment ended in a torn or corrupt record.</summary>
    public long TruncatedBytes { get; private set; }

    public int SegmentCount => _segments.Count;

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="directory"/>, truncating a torn tail, and replays every intact
    /// record in order to <paramref name="replay"/>, with whether the checkpoint says its bins are stored.
    /// </summary>
    /// <param name="archiveRetired">
    /// Segments the journal no longer needs are moved to <see cref="ArchiveDirectoryName"/> instead of deleted, so that
    /// <c>ale-speed import</c> can still recognise vehicles the unit sent live long ago (see <see cref="ReadShared"/>).
    /// </param>
    public static VehicleJournal Open(string directory, long segmentBytes, Action<JournalRecord, bool> replay, bool archiveRetired = false)
    {
        Directory.CreateDirectory(directory);
        var journal = new VehicleJournal(directory, segmentBytes, archiveRetired);
        CheckpointSlot checkpoint = ReadCheckpoint(directory);
        journal.ConfirmedSequence = checkpoint.Sequence;
        journal._checkpointGeneration = checkpoint.Generation;
        journal.EnsureCheckpointFile();
        journal.Recover(replay);
        return journal;
    }

    /// <inheritdoc cref="Open(string, long, Action{JournalRecord, bool}, bool)"/>
    public static VehicleJournal Open(string directory, long segmentBytes, Action<JournalRecord> replay, bool archiveRetired = false)
        => Open(directory, segmentBytes, (record, _) => replay(record), archiveRetired);

    private void Recover(Action<JournalRecord, bool> replay)
    {
        string[] files = Directory.GetFiles(_directory, SegmentPrefix + "*" + SegmentSuffix);
        Array.Sort(files, StringComparer.Ordinal);
        byte[] content = [];
        foreach (string path in files)
        {
            content = File.ReadAllBytes(path);
            int version = JournalFormat.ReadHeaderVersion(content);
            if (version != JournalFormat.Version)
            {
                throw new InvalidDataException(version < 0
                    ? $"'{path}' is not an Ale.Speed journal segment."
                    : $"'{path}' has journal format version {version}; this build reads version {JournalFormat.Version}.");
            }

            var segment = new SegmentInfo(path) { Length = JournalFormat.HeaderLength };
            int offset = JournalFormat.HeaderLength;
            while (JournalFormat.TryRead(content.AsSpan(offset), out JournalRecord record, out int length))
            {
                offset += length;
                segment.Length = offset;
                segment.FirstSequence = segment.FirstSequence == 0 ? record.Sequence : segment.FirstSequence;
                segment.LastSequence = record.Sequence;
                segment.MinTimestampMs = Math.Min(segment.MinTimestampMs, record.TimestampMs);
                segment.MaxTimestampMs = Math.Max(segment.MaxTimestampMs, record.TimestampMs);
                _nextSequence = record.Sequence + 1;
                _totalBytes += length;
                bool stored = record.Sequence <= ConfirmedSequence;
                if (stored)
                {
                    _confirmedTotalBytes += length;
                }

                replay(record, stored);
            }

            if (offset < content.Length)
            {
                // A torn or corrupt record: what a power cut mid-write leaves. Everything after it is unreadable.
                TruncatedBytes += content.Length - offset;
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.SetLength(offset);
                stream.Flush(flushToDisk: true);
            }

            _segments.Add(segment);
        }

        _commits.Enqueue((LastSequence, _totalBytes));
        _committedSegments = _segments.Count;
        _committedActiveLength = _segments.Count > 0 ? _segments[^1].Length : 0;
        if (_segments.Count > 0)
        {
            SegmentInfo last = _segments[^1];
            _active = new FileStream(last.Path, FileMode.Open, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
            _active.Seek(0, SeekOrigin.End);
        }
    }

    /// <summary>Appends a record to the write buffer; it is durable only after <see cref="Commit"/>. Returns its sequence.</summary>
    public long Append(in Core.Vehicles.Vehicle vehicle)
    {
        if (_buffer.Length - _buffered < JournalFormat.MaxRecordLength)
        {
            WriteBuffered();
        }

        long sequence = _nextSequence++;
        SegmentInfo segment = ActiveSegment(sequence);
        var record = JournalRecord.From(sequence, vehicle);
        int length = JournalFormat.Write(record, _buffer.AsSpan(_buffered));
        _buffered += length;
        _totalBytes += length;

        segment.FirstSequence = segment.FirstSequence == 0 ? sequence : segment.FirstSequence;
        segment.LastSequence = sequence;
        segment.MinTimestampMs = Math.Min(segment.MinTimestampMs, vehicle.TimestampMs);
        segment.MaxTimestampMs = Math.Max(segment.MaxTimestampMs, vehicle.TimestampMs);
        segment.Length += length;
        return sequence;
    }

    /// <summary>
    /// Writes what was appended and flushes it to the disk (fsync). On failure (a full disk, an I/O error) everything
    /// appended since the last commit is rolled back, on disk too, and the exception is rethrown: the caller keeps the
    /// vehicles, does not acknowledge their source, and appends them again later.
    /// </summary>
    public void Commit()
    {
        try
        {
            WriteBuffered();
            _active?.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            RollBack();
            throw;
        }

        _commits.Enqueue((LastSequence, _totalBytes));
        _committedSegments = _segments.Count;
        _committedActiveLength = _segments.Count > 0 ? _segments[^1].Length : 0;
    }

    private void RollBack()
    {
        _buffered = 0;
        _active?.Dispose();
        _active = null;
        for (int i = _segments.Count - 1; i >= Math.Max(_committedSegments, 1); i--)
        {
            File.Delete(_segments[i].Path);
        }

        if (_committedSegments > 0)
        {
            using var stream = new FileStream(_segments[_committedSegments - 1].Path, FileMode.Open, FileAccess.Write);
            stream.SetLength(_committedActiveLength);
        }
        else if (_segments.Count > 0)
        {
            File.Delete(_segments[0].Path);
        }

        // Re-read the state from what is on disk now: simpler and surer than undoing each counter.
        long confirmed = ConfirmedSequence;
        _segments.Clear();
        _commits.Clear();
        _nextSequence = 1;
        _totalBytes = 0;
        _confirmedTotalBytes = 0;
        ConfirmedSequence = confirmed;
        Recover(static (_, _) => { });
    }

    /// <summary>
    /// Records that every vehicle up to <paramref name="sequence"/> is in bins InfluxDB has stored, durably, and
    /// removes segments that are both confirmed and older than <paramref name="retainAfterMs"/>.
    /// </summary>
    public void Confirm(long sequence, long retainAfterMs)
    {
        if (sequence <= ConfirmedSequence)
        {
            return;
        }

        WriteCheckpoint(sequence);
        ConfirmedSequence = sequence;
        while (_commits.Count > 0 && _commits.Peek().Sequence <= sequence)
        {
            _confirmedTotalBytes = _commits.Dequeue().TotalBytes;
        }

        // Never the active segment; never one holding unconfirmed or still-needed records.
        while (_segments.Count > 1 && _segments[0].LastSequence <= sequence && _segments[0].MaxTimestampMs < retainAfterMs)
        {
            Retire(_segments[0]);
            _segments.RemoveAt(0);
            _committedSegments--;
        }
    }

    /// <summary>The oldest vehicle time in segments holding a record after <paramref name="sequence"/> (long.MaxValue when none).</summary>
    public long OldestTimestampAfter(long sequence)
    {
        long oldest = long.MaxValue;
        foreach (SegmentInfo segment in _segments)
        {
            if (segment.LastSequence > sequence)
            {
                oldest = Math.Min(oldest, segment.MinTimestampMs);
            }
        }

        return oldest;
    }

    private void Retire(SegmentInfo segment)
    {
        if (!_archiveRetired)
        {
            File.Delete(segment.Path);
            return;
        }

        // The time span goes into the name, so readers and pruning skip an archived segment without opening it.
        string archive = Path.Combine(_directory, ArchiveDirectoryName);
        Directory.CreateDirectory(archive);
        string name = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(segment.Path)}.{segment.MinTimestampMs}_{segment.MaxTimestampMs}{SegmentSuffix}");
        File.Move(segment.Path, Path.Combine(archive, name));
        FsyncDirectory(archive);
        FsyncDirectory(_directory);
    }

    private SegmentInfo ActiveSegment(long sequence)
    {
        if (_active is null || _segments[^1].Length >= _segmentBytes)
        {
            WriteBuffered();
            _active?.Flush(flushToDisk: true);
            _active?.Dispose();
            string path = Path.Combine(_directory, SegmentPrefix + sequence.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix);
            _active = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
            Span<byte> header = stackalloc byte[JournalFormat.HeaderLength];
            JournalFormat.WriteHeader(header);
            _active.Write(header);
            _segments.Add(new SegmentInfo(path) { Length = JournalFormat.HeaderLength });
            FsyncDirectory(_directory);
        }

        return _segments[^1];
    }

    private void WriteBuffered()
    {
        if (_buffered == 0)
        {
            return;
        }

        _active!.Write(_buffer, 0, _buffered);
        _buffered = 0;
    }

    private static void FsyncDirectory(string directory)
    {
        // A new or renamed file survives a power cut only once its directory entry is flushed too;
        // .NET cannot open a directory as a file, so this goes to libc.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = NativeMethods.open(directory, NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY);
        if (fd >= 0)
        {
            _ = NativeMethods.fsync(fd);
            _ = NativeMethods.close(fd);
        }
    }

    public void Dispose()
    {
        if (_active is not null)
        {
            WriteBuffered();
            _active.Flush(flushToDisk: true);
            _active.Dispose();
            _active = null;
        }
    }

    private sealed class SegmentInfo(string path)
    {
        public string Path { get; } = path;
        public long Length { get; set; }
        public long FirstSequence { get; set; }
        public long LastSequence { get; set; }
        public long MinTimestampMs { get; set; } = long.MaxValue;
        public long MaxTimestampMs { get; set; } = long.MinValue;
    }
}
