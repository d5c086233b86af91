using System.Buffers.Binary;

namespace Ale.Speed.Worker.Sources;

/// <summary>
/// How far a file source has read, recorded after each journal commit, so a restart (even after SIGKILL) goes on where
/// the journal left off instead of reading the file again. A crash between a commit and its cursor write re-reads at
/// most one read's worth of frames, whose vehicles the duplicate filter (restored from the journal) then rejects.
/// Format: <c>u64 offset | u64 file length at the time | u32 version</c>, written in place.
/// </summary>
internal sealed class FileCursor(string path)
{
    private const int Version = 1;
    private const int Length = 20;

    public long ReadOffset(long currentFileLength)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        byte[] content = File.ReadAllBytes(path);
        if (content.Length < Length || BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(16)) != Version)
        {
            return 0;
        }

        long offset = BinaryPrimitives.ReadInt64LittleEndian(content);
        // A file that shrank was replaced: read the new one from its start.
        return offset <= currentFileLength ? offset : 0;
    }

    public void Write(long offset, long fileLength)
    {
        Span<byte> content = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64LittleEndian(content, offset);
        BinaryPrimitives.WriteInt64LittleEndian(content[8..], fileLength);
        BinaryPrimitives.WriteInt32LittleEndian(content[16..], Version);
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write);
        RandomAccess.Write(handle, content, 0);
        RandomAccess.FlushToDisk(handle);
    }
}
