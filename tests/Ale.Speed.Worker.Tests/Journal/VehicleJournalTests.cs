using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Worker.Journal;
using Ale.Speed.Worker.Tests.Support;

namespace Ale.Speed.Worker.Tests.Journal;

public sealed class VehicleJournalTests : IDisposable
{
    private static readonly Site s_site = new("nodinge-ale-torg", "Ale torg, Nödinge", 40);
    private static readonly Unit s_unit = new() { Id = "u-0001", Site = s_site };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-journal-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static Vehicle MakeVehicle(int i) => new()
    {
        Unit = s_unit,
        TimestampMs = 1_764_000_000_000 + i * 1_000L,
        SpeedKmh = 30 + (i % 4000) / 100.0,
        Direction = i % 2 == 0 ? Direction.Approaching : Direction.Receding,
        Class = (VehicleClass)(i % 8),
        LengthMetres = i % 3 == 0 ? double.NaN : 4.25,
        Sequence = i % 5 == 0 ? -1 : i,
        DurationMs = i % 900,
        ReadingCount = 1 + i % 12,
        HasDeviceTime = i % 7 != 0,
    };

    private VehicleJournal Open(List<JournalRecord> replayed, long segmentBytes = 1 << 20)
        => VehicleJournal.Open(_directory, segmentBytes, replayed.Add);

    [Fact]
    public void Reopen_AfterCommit_ReplaysEveryVehicleExactlyInOrder()
    {
        var first = new List<JournalRecord>();
        using (VehicleJournal journal = Open(first))
        {
            for (int i = 0; i < 10_000; i++)
            {
                Assert.Equal(i + 1, journal.Append(MakeVehicle(i)));
            }

            journal.Commit();
        }

        var replayed = new List<JournalRecord>();
        using VehicleJournal reopened = Open(replayed);

        Assert.Empty(first);
        Assert.Equal(10_000, replayed.Count);
        for (int i = 0; i < replayed.Count; i++)
        {
            Vehicle original = MakeVehicle(i);
            Vehicle restored = replayed[i].ToVehicle(s_unit);
            Assert.Equal(i + 1, replayed[i].Sequence);
            Assert.Equal(original.TimestampMs, restored.TimestampMs);
            Assert.Equal(original.SpeedKmh, restored.SpeedKmh, 1e-9);
            Assert.Equal(original.Direction, restored.Direction);
            Assert.Equal(original.Class, restored.Class);
            Assert.Equal(original.LengthMetres, restored.LengthMetres);
            Assert.Equal(original.Sequence, restored.Sequence);
            Assert.Equal(original.DurationMs, restored.DurationMs);
            Assert.Equal(original.ReadingCount, restored.ReadingCount);
            Assert.Equal(original.HasDeviceTime, restored.HasDeviceTime);
        }

        Assert.Equal(10_000, reopened.LastSequence);
        Assert.Equal(10_001, reopened.Append(MakeVehicle(10_000)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20)]
    public void Open_WithTornLastRecord_KeepsEveryIntactRecordAndTruncatesTheTail(int bytesCut)
    {
        using (VehicleJournal journal = Open([]))
        {
            for (int i = 0; i < 100; i++)
            {
                journal.Append(MakeVehicle(i));
            }

            journal.Commit();
        }

        string segment = Directory.GetFiles(_directory, "journal-*.log").Single();
        long length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(length - bytesCut);
        }

        var replayed = new List<JournalRecord>();
        using (VehicleJournal reopened = Open(replayed))
        {
            Assert.Equal(99, replayed.Count);
            Assert.True(reopened.TruncatedBytes > 0);
            Assert.Equal(100, reopened.Append(MakeVehicle(99)));
            reopened.Commit();
        }

        var again = new List<JournalRecord>();
        using VehicleJournal third = Open(again);
        Assert.Equal(100, again.Count);
        Assert.Equal(0, third.TruncatedBytes);
    }

    [Fact]
    public void Open_WithGarbageAfterLastRecord_IgnoresIt()
    {
        using (VehicleJournal journal = Open([]))
        {
            journal.Append(MakeVehicle(1));
            journal.Commit();
        }

        string segment = Directory.GetFiles(_directory, "journal-*.log").Single();
        File.AppendAllText(segment, "\u0042 not a record \u0000\u0001");

        var replayed = new List<JournalRecord>();
        using VehicleJournal reopened = Open(replayed);
        Assert.Single(replayed);
    }

    [Fact]
    public void Open_SegmentOfAnotherFormatVersion_FailsWithAClearMessage()
    {
        Directory.CreateDirectory(_directory);
        byte[] header = new byte[JournalFormat.HeaderLength];
        JournalFormat.WriteHeader(header);
        header[8] = 99;
        File.WriteAllBytes(Path.Combine(_directory, "journal-00000000000000000001.log"), header);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Open([]));
        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirm_CountsUnconfirmedBytesAndRemovesOnlyOldConfirmedSegments()
    {
        using VehicleJournal journal = Open([], segmentBytes: 4096);
        for (int i = 0; i < 1000; i++)
        {
            journal.Append(MakeVehicle(i));
            if (i % 10 == 9)
            {
                journal.Commit();
            }
        }

        int segments = journal.SegmentCount;
        Assert.True(segments > 5);
        long unconfirmed = journal.UnconfirmedBytes;
        Assert.True(unconfirmed > 1000 * JournalFormat.RecordPrefixLength);

        // Confirmed, but all still within the retention horizon: nothing deleted.
        journal.Confirm(500, retainAfterMs: long.MinValue);
        Assert.Equal(segments, journal.SegmentCount);
        Assert.InRange(journal.UnconfirmedBytes, unconfirmed / 2 - 200, unconfirmed / 2 + 200);

        // Past the horizon: the confirmed segments go, the unconfirmed stay.
        journal.Confirm(500, retainAfterMs: long.MaxValue);
        journal.Confirm(501, retainAfterMs: long.MaxValue);
        Assert.InRange(journal.SegmentCount, segments / 2 - 1, segments / 2 + 2);

        journal.Dispose();
        var replayed = new List<JournalRecord>();
        using VehicleJournal reopened = Open(replayed, segmentBytes: 4096);
        Assert.Equal(501, reopened.ConfirmedSequence);
        Assert.Equal(1000, replayed[^1].Sequence);
        Assert.True(replayed[0].Sequence <= 502);
    }

    [Fact]
    public void Confirm_WithArchive_MovesRetiredSegmentsWhereReadSharedStillFindsEveryRecord()
    {
        using VehicleJournal journal = VehicleJournal.Open(_directory, 4096, _ => { }, archiveRetired: true);
        for (int i = 0; i < 1000; i++)
        {
            journal.Append(MakeVehicle(i));
            if (i % 10 == 9)
            {
                journal.Commit();
            }
        }

        int segments = journal.SegmentCount;
        journal.Confirm(700, retainAfterMs: long.MaxValue);
        string archive = Path.Combine(_directory, VehicleJournal.ArchiveDirectoryName);
        int archived = Directory.GetFiles(archive).Length;
        Assert.True(archived > 0);
        Assert.Equal(segments, journal.SegmentCount + archived);

        // Another process's view: the live segments and the archive together, each record once, by time.
        var seen = new List<long>();
        long from = MakeVehicle(100).TimestampMs;
        long to = MakeVehicle(900).TimestampMs;
        VehicleJournal.ReadShared(_directory, from, to, r => seen.Add(r.Sequence));
        Assert.Equal(Enumerable.Range(101, 800).Select(i => (long)i), seen.Order());

        // Pruning goes by the newest vehicle of each archived segment.
        Assert.Equal(0, journal.PruneArchive(MakeVehicle(0).TimestampMs));
        Assert.Equal(archived, journal.PruneArchive(MakeVehicle(1000).TimestampMs));
        Assert.Empty(Directory.GetFiles(archive));
        seen.Clear();
        VehicleJournal.ReadShared(_directory, long.MinValue, long.MaxValue, r => seen.Add(r.Sequence));
        Assert.Equal(1000 - seen.Count, Enumerable.Range(1, 1000).Count(i => !seen.Contains(i)));
        Assert.DoesNotContain(1L, seen);
        Assert.Contains(1000L, seen);
    }

    [Fact]
    public void ReadShared_WhileTheOwnerIsWriting_ReadsUpToTheLastWholeRecord()
    {
        using VehicleJournal journal = Open([]);
        for (int i = 0; i < 50; i++)
        {
            journal.Append(MakeVehicle(i));
        }

        journal.Commit();
        for (int i = 50; i < 60; i++)
        {
            journal.Append(MakeVehicle(i)); // buffered, not yet written
        }

        var seen = new List<long>();
        VehicleJournal.ReadShared(_directory, long.MinValue, long.MaxValue, r => seen.Add(r.Sequence));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), seen);
        VehicleJournal.ReadShared(Path.Combine(_directory, "missing"), long.MinValue, long.MaxValue, r => seen.Add(r.Sequence));
        Assert.Equal(50, seen.Count);
    }

    [Fact]
    public void Scan_ReturnsOnlyRecordsInTheTimeRangeAndBeforeTheSequence()
    {
        using VehicleJournal journal = Open([], segmentBytes: 4096);
        for (int i = 0; i < 2000; i++)
        {
            journal.Append(MakeVehicle(i));
        }

        journal.Commit();
        long from = MakeVehicle(100).TimestampMs;
        long to = MakeVehicle(300).TimestampMs;

        var seen = new List<long>();
        journal.Scan(from, to, beforeSequence: 251, record => seen.Add(record.Sequence));

        // Vehicle i has sequence i + 1: time range [100, 300) is sequences 101..300, cut below 251.
        Assert.Equal(Enumerable.Range(101, 150).Select(i => (long)i), seen);
    }

    [Fact]
    public void Commit_OnAFullDisk_RollsBackSoNothingUnacknowledgedIsEverReplayed()
    {
        using SmallDisk? disk = SmallDisk.TryMount(256 * 1024);
        Assert.True(disk is not null, "mounting a tmpfs needs root (CI and ./test.sh run as root)");
        string directory = Path.Combine(disk!.Path, "journal");

        long committed = 0;
        bool failed = false;
        using (VehicleJournal journal = VehicleJournal.Open(directory, 64 * 1024, _ => { }))
        {
            for (int batch = 0; batch < 10_000 && !failed; batch++)
            {
                for (int i = 0; i < 50; i++)
                {
                    journal.Append(MakeVehicle(batch * 50 + i));
                }

                try
                {
                    journal.Commit();
                    committed = journal.LastSequence;
                }
                catch (IOException)
                {
                    failed = true;
                    Assert.Equal(committed, journal.LastSequence);
                }
            }

            Assert.True(failed, "the small disk never filled up");

            // Space comes back (the confirmed segments are removed) and appending continues after the rollback.
            journal.Confirm(committed, retainAfterMs: long.MaxValue);
            journal.Append(MakeVehicle(999_999));
            journal.Commit();
            Assert.Equal(committed + 1, journal.LastSequence);
        }

        var replayed = new List<JournalRecord>();
        using VehicleJournal reopened = VehicleJournal.Open(directory, 64 * 1024, replayed.Add);
        Assert.Equal(committed + 1, reopened.LastSequence);
        Assert.Equal(replayed.Select(r => r.Sequence), replayed.Select(r => r.Sequence).Distinct());
        Assert.Equal(MakeVehicle(999_999).TimestampMs, replayed[^1].TimestampMs);
    }
}
