using System.Globalization;

namespace Ale.Speed.Worker.Journal;

/// <summary>Reading the journal back: by time range (rebuilding bins), shared with a running worker (import), the archive.</summary>
internal sealed partial class VehicleJournal
{
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

}
