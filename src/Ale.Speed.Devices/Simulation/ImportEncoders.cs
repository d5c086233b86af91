using System.Globalization;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// ICOMS TMA-3B3 log as read out of the sign: the header line first, then one measurement per vehicle,
/// <c>001; 2019/01/24 16:21:05,450; 52,4; 4,5; ; </c> (UTC, decimal comma, speed signed with '+' approaching left
/// out, length when known), lines ending in CR LF.
/// </summary>
internal sealed class IcomsTma3b3Encoder : PerVehicleEncoder
{
    public IcomsTma3b3Encoder(FrameEncoderOptions options)
        : base(FrameFormat.IcomsTma3b3, options, SpeedUnit.KilometresPerHour)
    {
    }

    private protected override void WritePreamble(LineWriter line)
    {
        line.Append("typ;date and time [UTC];speed [km/h];length [m];range [m];notes\r\n"u8);
    }

    private protected override void WriteVehicle(LineWriter line, in SimulatedVehicle vehicle)
    {
        line.Append("001; "u8);
        line.Append(DateTimeOffset.FromUnixTimeMilliseconds(vehicle.TimestampMs).UtcDateTime, "yyyy'/'MM'/'dd HH':'mm':'ss','fff");
        line.Append("; "u8);
        double speed = ToDeviceUnit(vehicle.SpeedKmh);
        ImportFormatting.AppendDecimalComma(line, Normalise(vehicle.Direction) == Direction.Receding ? -speed : speed);
        line.Append("; "u8);
        if (double.IsFinite(vehicle.LengthMetres))
        {
            ImportFormatting.AppendDecimalComma(line, vehicle.LengthMetres);
        }

        line.Append("; ; \r\n"u8);
    }

    /// <summary>Read out of the sign later; modelled as the ASCII protocol's serial line (about a millisecond per byte).</summary>
    private protected override int DelayMs(ref SimulationRandom random, int lineLength) => lineLength + 1;
}

/// <summary>
/// A CSV export with the fixed header <see cref="FrameEncoder.CsvHeader"/> (read with <see cref="FrameEncoder.CsvColumnMap"/>):
/// <c>2026-11-25T18:03:12.345Z;57,3;in</c>, UTC, decimal comma, LF line ends.
/// </summary>
internal sealed class CsvEncoder : PerVehicleEncoder
{
    public CsvEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Csv, options, SpeedUnit.KilometresPerHour)
    {
    }

    private protected override void WritePreamble(LineWriter line)
    {
        line.Append("time;speed;direction\n"u8);
    }

    private protected override void WriteVehicle(LineWriter line, in SimulatedVehicle vehicle)
    {
        line.Append(DateTimeOffset.FromUnixTimeMilliseconds(vehicle.TimestampMs).UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        line.Append((byte)';');
        ImportFormatting.AppendDecimalComma(line, ToDeviceUnit(vehicle.SpeedKmh));
        line.Append(Normalise(vehicle.Direction) == Direction.Approaching ? ";in\n"u8 : ";out\n"u8);
    }

    private protected override int DelayMs(ref SimulationRandom random, int lineLength) => 0;
}

internal static class ImportFormatting
{
    /// <summary>One decimal, with a comma as Swedish and ICOMS exports write it.</summary>
    public static void AppendDecimalComma(LineWriter line, double value)
    {
        Span<byte> text = stackalloc byte[32];
        if (!value.TryFormat(text, out int written, "0.0", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A simulated number does not fit.");
        }

        text = text[..written];
        int point = text.IndexOf((byte)'.');
        if (point >= 0)
        {
            text[point] = (byte)',';
        }

        line.Append(text);
    }
}
