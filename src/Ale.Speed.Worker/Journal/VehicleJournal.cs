using System.Globalization;

namespace Ale.Speed.Worker.Journal;

/// <summary>
/// The durable log of accepted vehicles. A source is acknowledged only after its vehicles are appended and
/// <see cref="Commit"/> has flushed them to disk (group commit: one fsync for everything appended since the last one).
/// The log also serves as the spool in front of InfluxDB: records after the confirmed sequence (bins not yet stored)
/// are kept whatever their age, and records younger than the late-data horizon are kept so that a late vehicle's bin
/// can be rebuilt complete. Not thread-safe: one journal loop owns it.
/// </summary>
internal sealed class VehicleJournal : IDisposable
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
    /// record in order to <paramref name="replay"/>.
    /// </summary>
    /// <param name="archiveRetired">
    /// Segments the journal no longer needs are moved to <see cref="ArchiveDirectoryName"/> instead of deleted, so that
    /// <c>ale-speed import</c> can still recognise vehicles the unit sent live long ago (see <see cref="ReadShared"/>).
    /// </param>
    public static VehicleJournal Open(string directory, long segmentBytes, Action<JournalRecord> replay, bool archiveRetired = false)
    {
        Directory.CreateDirectory(directory);
        var journal = new VehicleJournal(directory, segmentBytes, archiveRetired);
        journal.ConfirmedSequence = ReadCheckpoint(directory);
        journal._checkpointGeneration = ReadCheckpointGeneration(directory);
        journal.EnsureCheckpointFile();
        journal.Recover(replay);
        return journal;
    }

    private void Recover(Action<JournalRecord> replay)
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
                if (record.Sequence <= ConfirmedSequence)
                {
                    _confirmedTotalBytes += length;
                }

                replay(record);
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
        Recover(static _ => { });
    }

    /// <summary>
    /// Reads the records with a timestamp in [<paramref name="fromMs"/>, <paramref name="toMs"/>) and a sequence below
    /// <paramref name="beforeSequence"/>, in journal order — how a bin that was let go from memory is rebuilt complete
    /// when a late vehicle arrives for it. Only segments whose time span overlaps the range are read.
    /// </summary>
    public void Scan(long fromMs, long toMs, long beforeSequence, Action<JournalRecord> visit)
    {
        WriteBuffered();
        foreach (SegmentInfo segment in _segments)
        {
            if (segment.MaxTimestampMs < fromMs || segment.MinTimestampMs >= toMs || segment.FirstSequence >= beforeSequence)
            {
                continue;
            }

            ReadRecords(segment.Path, segment.Length, record =>
            {
                if (record.Sequence >= beforeSequence)
                {
                    return false;
                }

                if (record.TimestampMs >= fromMs && record.TimestampMs < toMs)
                {
                    visit(record);
                }

                return true;
            });
        }
    }

    /// <summary>
    /// Streams the records of a segment up to <paramref name="endOffset"/> (or its first torn or corrupt record) through a
    /// small buffer — a 64 MiB segment is not read into memory whole — until <paramref name="visit"/> returns false.
    /// Returns false when the file is gone.
    /// </summary>
    private static bool ReadRecords(string path, long endOffset, Func<JournalRecord, bool> visit)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            using (stream)
            {
                long remaining = Math.Min(endOffset, stream.Length);
                int filled = 0;
                int start = 0;
                bool header = true;
                while (true)
                {
                    int read = remaining > 0 ? stream.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, remaining)) : 0;
                    remaining -= read;
                    filled += read;
                    if (header)
                    {
                        if (filled < JournalFormat.HeaderLength)
                        {
                            if (read > 0)
                            {
                                continue;
                            }

                            return true; // a segment just created, its header not yet written: no records
                        }

                        if (JournalFormat.ReadHeaderVersion(buffer.AsSpan(0, filled)) != JournalFormat.Version)
                        {
                            throw new InvalidDataException($"'{path}' is not an Ale.Speed journal segment of format version {JournalFormat.Version}.");
                        }

                        header = false;
                        start = JournalFormat.HeaderLength;
                    }

                    while (JournalFormat.TryRead(buffer.AsSpan(start, filled - start), out JournalRecord record, out int length))
                    {
                        start += length;
                        if (!visit(record))
                        {
                            return true;
                        }
                    }

                    if (read == 0)
                    {
                        return true; // the end, or a torn record that no more bytes will complete
                    }

                    // Keep the incomplete record's bytes; the next read completes it.
                    buffer.AsSpan(start, filled - start).CopyTo(buffer);
                    filled -= start;
                    start = 0;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <summary>Deletes archived segments whose newest vehicle is older than <paramref name="olderThanMs"/>. Returns how many.</summary>
    public int PruneArchive(long olderThanMs)
    {
        int pruned = 0;
        foreach (ArchivedSegment segment in ListArchive(_directory))
        {
            if (segment.MaxTimestampMs < olderThanMs)
            {
                File.Delete(segment.Path);
                pruned++;
            }
        }

        return pruned;
    }

    /// <summary>
    /// Reads the records with a timestamp in [<paramref name="fromMs"/>, <paramref name="toMs"/>) from a journal and its
    /// archive without taking ownership: for another process (<c>ale-speed import</c>) beside a running worker. A segment
    /// the worker archives meanwhile is read from the archive; the tail being written ends at the last whole record.
    /// </summary>
    public static void ReadShared(string directory, long fromMs, long toMs, Action<JournalRecord> visit)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var read = new HashSet<string>(StringComparer.Ordinal);
        string[] live = Directory.GetFiles(directory, SegmentPrefix + "*" + SegmentSuffix);
        Array.Sort(live, StringComparer.Ordinal);
        foreach (string path in live)
        {
            if (TryReadShared(path, fromMs, toMs, visit))
            {
                read.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        foreach (ArchivedSegment segment in ListArchive(directory))
        {
            if (segment.MaxTimestampMs >= fromMs && segment.MinTimestampMs < toMs && !read.Contains(segment.SegmentName))
            {
                TryReadShared(segment.Path, fromMs, toMs, visit);
            }
        }
    }

    private static bool TryReadShared(string path, long fromMs, long toMs, Action<JournalRecord> visit)
        => ReadRecords(path, long.MaxValue, record =>
        {
            if (record.TimestampMs >= fromMs && record.TimestampMs < toMs)
            {
                visit(record);
            }

            return true;
        });

    private static IEnumerable<ArchivedSegment> ListArchive(string directory)
    {
        string archive = Path.Combine(directory, ArchiveDirectoryName);
        if (!Directory.Exists(archive))
        {
            yield break;
        }

        foreach (string path in Directory.GetFiles(archive, SegmentPrefix + "*" + SegmentSuffix))
        {
            // journal-<first sequence>.<min ms>_<max ms>.log
            string name = Path.GetFileNameWithoutExtension(path);
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            int underscore = name.LastIndexOf('_');
            if (dot > 0 && underscore > dot
                && long.TryParse(name.AsSpan(dot + 1, underscore - dot - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long min)
                && long.TryParse(name.AsSpan(underscore + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long max))
            {
                yield return new ArchivedSegment(path, name[..dot], min, max);
            }
        }
    }

    private readonly record struct ArchivedSegment(string Path, string SegmentName, long MinTimestampMs, long MaxTimestampMs);

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

    /// <summary>The confirmed sequence recorded in <paramref name="directory"/> (0 when there is none yet).</summary>
    public static long ReadCheckpoint(string directory)
    {
        string path = Path.Combine(directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] content = File.ReadAllBytes(path);
        CheckpointSlot best = default;
        bool any = false;
        for (int slot = 0; slot < 2; slot++)
        {
            if (CheckpointSlot.TryRead(content.AsSpan(Math.Min(content.Length, slot * CheckpointSlot.Length)), out CheckpointSlot read, out int version))
            {
                if (version != JournalFormat.Version)
                {
                    throw new InvalidDataException($"'{path}' has checkpoint format version {version}; this build reads version {JournalFormat.Version}.");
                }

                if (!any || read.Generation > best.Generation)
                {
                    best = read;
                    any = true;
                }
            }
        }

        if (!any && content.Length > 0)
        {
            throw new InvalidDataException($"'{path}' holds no valid journal checkpoint.");
        }

        return best.Sequence;
    }

    private long _checkpointGeneration;

    private static long ReadCheckpointGeneration(string directory)
    {
        string path = Path.Combine(directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] content = File.ReadAllBytes(path);
        long generation = 0;
        for (int slot = 0; slot < 2; slot++)
        {
            if (CheckpointSlot.TryRead(content.AsSpan(Math.Min(content.Length, slot * CheckpointSlot.Length)), out CheckpointSlot read, out _))
            {
                generation = Math.Max(generation, read.Generation);
            }
        }

        return generation;
    }

    private void WriteCheckpoint(long sequence)
    {
        // Two fixed slots written in place, alternately, each with a CRC: a crash mid-write spoils at most the slot
        // being written, and in-place writes need no free blocks, so a full disk can still record what frees space.
        string path = Path.Combine(_directory, CheckpointFileName);
        _checkpointGeneration++;
        Span<byte> slot = stackalloc byte[CheckpointSlot.Length];
        new CheckpointSlot(sequence, _checkpointGeneration).Write(slot);
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        RandomAccess.Write(handle, slot, (_checkpointGeneration % 2) * CheckpointSlot.Length);
        RandomAccess.FlushToDisk(handle);
    }

    private void EnsureCheckpointFile()
    {
        string path = Path.Combine(_directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            Span<byte> slots = stackalloc byte[2 * CheckpointSlot.Length];
            slots.Clear();
            new CheckpointSlot(0, 0).Write(slots);
            using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
            {
                RandomAccess.Write(handle, slots, 0);
                RandomAccess.FlushToDisk(handle);
            }

            FsyncDirectory(_directory);
        }
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

internal static class NativeMethods
{
    public const int O_RDONLY = 0;
    // O_DIRECTORY differs between architectures (asm-generic vs. x86).
    public static readonly int O_DIRECTORY =
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64
            or System.Runtime.InteropServices.Architecture.Arm ? 0x4000 : 0x10000;

#pragma warning disable SYSLIB1054, CA2101, CA1401 // plain libc calls; no marshalling beyond an ANSI path
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    public static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    public static extern int fsync(int fd);

    [System.Runtime.InteropServices.DllImport("libc")]
    public static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA2101, CA1401
}

/// <summary>One checkpoint slot: <c>"ALEC" | u32 version | i64 confirmed sequence | i64 generation | u32 CRC-32 of the preceding 24 bytes</c>.</summary>
internal readonly record struct CheckpointSlot(long Sequence, long Generation)
{
    public const int Length = 32;

    private static ReadOnlySpan<byte> Magic => "ALEC"u8;

    public void Write(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(destination[4..], JournalFormat.Version);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Sequence);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Generation);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], System.IO.Hashing.Crc32.HashToUInt32(destination[..24]));
        destination[28..Length].Clear();
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out CheckpointSlot slot, out int version)
    {
        slot = default;
        version = 0;
        if (source.Length < Length || !source[..4].SequenceEqual(Magic)
            || System.IO.Hashing.Crc32.HashToUInt32(source[..24]) != System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(source[24..]))
        {
            return false;
        }

        version = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        slot = new CheckpointSlot(
            System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
        return true;
    }
}
