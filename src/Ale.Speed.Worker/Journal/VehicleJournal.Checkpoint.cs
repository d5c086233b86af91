namespace Ale.Speed.Worker.Journal;

/// <summary>The checkpoint: the sequence up to which InfluxDB has stored every vehicle's bin, in two alternating slots.</summary>
internal sealed partial class VehicleJournal
{
    private long _checkpointGeneration;

    /// <summary>The newest valid slot in <paramref name="directory"/> (sequence and generation 0 when there is none yet).</summary>
    private static CheckpointSlot ReadCheckpoint(string directory)
    {
        string path = Path.Combine(directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            return default;
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

        return best;
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
