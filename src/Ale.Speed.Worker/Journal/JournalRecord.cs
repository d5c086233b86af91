using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Worker.Journal;

/// <summary>
/// One accepted vehicle as the journal stores it. Speeds are kept in 0.01 km/h, the resolution bins count at,
/// so a vehicle replayed from the journal lands in exactly the bin counts it landed in before.
/// </summary>
internal readonly record struct JournalRecord(
    long Sequence,
    string UnitId,
    long TimestampMs,
    int SpeedCentiKmh,
    Direction Direction,
    VehicleClass Class,
    int LengthCentimetres,
    long UnitSequence,
    int DurationMs,
    int ReadingCount,
    bool HasDeviceTime)
{
    public static JournalRecord From(long sequence, in Vehicle vehicle) => new(
        sequence,
        vehicle.Unit.Id,
        vehicle.TimestampMs,
        SpeedQuantum.ToCentiKmh(vehicle.SpeedKmh),
        vehicle.Direction,
        vehicle.Class,
        double.IsNaN(vehicle.LengthMetres) ? -1 : (int)Math.Round(vehicle.LengthMetres * 100),
        vehicle.Sequence,
        vehicle.DurationMs,
        vehicle.ReadingCount,
        vehicle.HasDeviceTime);

    public Vehicle ToVehicle(Core.Sites.Unit unit) => new()
    {
        Unit = unit,
        TimestampMs = TimestampMs,
        SpeedKmh = SpeedCentiKmh / (double)SpeedQuantum.PerKmh,
        Direction = Direction,
        Class = Class,
        LengthMetres = LengthCentimetres < 0 ? double.NaN : LengthCentimetres / 100.0,
        Sequence = UnitSequence,
        DurationMs = DurationMs,
        ReadingCount = ReadingCount,
        HasDeviceTime = HasDeviceTime,
    };
}

/// <summary>
/// The journal's on-disk format, version 1. A segment starts with a 16-byte header (magic <c>ALESPDJ\0</c>,
/// format version, reserved); then records, each <c>u32 payload length | u32 CRC-32 of payload | payload</c>,
/// little-endian. The payload: kind, sequence, timestamp, speed (0.01 km/h), direction, class, length (cm), unit sequence,
/// duration, reading count, flags (1 = the time is the unit's own), unit id length and UTF-8 unit id. A record whose length runs past the end of the file or whose CRC does not match ends the valid
/// part of a segment: that is what a power cut in the middle of a write leaves.
/// </summary>
internal static class JournalFormat
{
    public const int Version = 1;
    public const int HeaderLength = 16;
    public const int RecordPrefixLength = 8;
    public const int MaxUnitIdBytes = 255;

    /// <summary>Payload bytes before the unit id.</summary>
    private const int FixedPayloadLength = 1 + 8 + 8 + 4 + 1 + 1 + 4 + 8 + 4 + 4 + 1 + 1;

    public const int MaxRecordLength = RecordPrefixLength + FixedPayloadLength + MaxUnitIdBytes;

    private const byte VehicleRecordKind = 1;
    private const byte DeviceTimeFlag = 1;

    private static ReadOnlySpan<byte> Magic => "ALESPDJ\0"u8;

    public static void WriteHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], 0);
    }

    /// <summary>Returns the format version of a segment header, or -1 if it is not a journal header.</summary>
    public static int ReadHeaderVersion(ReadOnlySpan<byte> header)
        => header.Length >= HeaderLength && header[..8].SequenceEqual(Magic)
            ? BinaryPrimitives.ReadInt32LittleEndian(header[8..])
            : -1;

    /// <summary>Writes one record; returns its length. <paramref name="destination"/> holds at least <see cref="MaxRecordLength"/> bytes.</summary>
    public static int Write(in JournalRecord record, Span<byte> destination)
    {
        Span<byte> payload = destination[RecordPrefixLength..];
        int unitIdLength = Encoding.UTF8.GetBytes(record.UnitId, payload[FixedPayloadLength..]);
        payload[0] = VehicleRecordKind;
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], record.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(payload[9..], record.TimestampMs);
        BinaryPrimitives.WriteInt32LittleEndian(payload[17..], record.SpeedCentiKmh);
        payload[21] = (byte)record.Direction;
        payload[22] = (byte)record.Class;
        BinaryPrimitives.WriteInt32LittleEndian(payload[23..], record.LengthCentimetres);
        BinaryPrimitives.WriteInt64LittleEndian(payload[27..], record.UnitSequence);
        BinaryPrimitives.WriteInt32LittleEndian(payload[35..], record.DurationMs);
        BinaryPrimitives.WriteInt32LittleEndian(payload[39..], record.ReadingCount);
        payload[43] = record.HasDeviceTime ? DeviceTimeFlag : (byte)0;
        payload[44] = (byte)unitIdLength;
        int payloadLength = FixedPayloadLength + unitIdLength;
        BinaryPrimitives.WriteInt32LittleEndian(destination, payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32.HashToUInt32(payload[..payloadLength]));
        return RecordPrefixLength + payloadLength;
    }

    /// <summary>
    /// Reads one record from the start of <paramref name="source"/>. Returns false when the bytes do not hold a
    /// complete, intact record (torn or corrupt); <paramref name="length"/> is then 0.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out JournalRecord record, out int length)
    {
        record = default;
        length = 0;
        if (source.Length < RecordPrefixLength)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (payloadLength < FixedPayloadLength || payloadLength > FixedPayloadLength + MaxUnitIdBytes
            || source.Length < RecordPrefixLength + payloadLength)
        {
            return false;
        }

        ReadOnlySpan<byte> payload = source.Slice(RecordPrefixLength, payloadLength);
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(source[4..]) || payload[0] != VehicleRecordKind)
        {
            return false;
        }

        int unitIdLength = payload[44];
        if (FixedPayloadLength + unitIdLength != payloadLength)
        {
            return false;
        }

        record = new JournalRecord(
            Sequence: BinaryPrimitives.ReadInt64LittleEndian(payload[1..]),
            UnitId: Encoding.UTF8.GetString(payload.Slice(FixedPayloadLength, unitIdLength)),
            TimestampMs: BinaryPrimitives.ReadInt64LittleEndian(payload[9..]),
            SpeedCentiKmh: BinaryPrimitives.ReadInt32LittleEndian(payload[17..]),
            Direction: (Direction)payload[21],
            Class: (VehicleClass)payload[22],
            LengthCentimetres: BinaryPrimitives.ReadInt32LittleEndian(payload[23..]),
            UnitSequence: BinaryPrimitives.ReadInt64LittleEndian(payload[27..]),
            DurationMs: BinaryPrimitives.ReadInt32LittleEndian(payload[35..]),
            ReadingCount: BinaryPrimitives.ReadInt32LittleEndian(payload[39..]),
            HasDeviceTime: (payload[43] & DeviceTimeFlag) != 0);
        length = RecordPrefixLength + payloadLength;
        return true;
    }
}
