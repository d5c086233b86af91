using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>Number formats of the OPS243 family: m/s with two decimals (factory default), km/h and mph with one.</summary>
internal abstract class Ops243Encoder : BurstEncoder
{
    private protected Ops243Encoder(FrameFormat format, FrameEncoderOptions options)
        : base(format, options, SpeedUnit.MetresPerSecond)
    {
    }

    /// <summary>Signed speed in the unit's unit: positive approaching (inbound), negative receding (outbound).</summary>
    private protected double SignedSpeed(in BurstReading reading, Direction direction)
    {
        double value = ToDeviceUnit(reading.Kmh);
        return direction == Direction.Receding ? -value : value;
    }

    private protected string SpeedFormat => SpeedUnit == SpeedUnit.MetresPerSecond ? "0.00" : "0.0";
}

/// <summary>OPS243 plain speed lines: <c>-3.42</c> and CR LF.</summary>
internal sealed class Ops243PlainEncoder : Ops243Encoder
{
    public Ops243PlainEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Ops243Plain, options)
    {
    }

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        line.Append(SignedSpeed(reading, direction), SpeedFormat);
        line.Append("\r\n"u8);
    }
}

/// <summary>OPS243 JSON (<c>OJ</c>): <c>{"speed":-12.34,"direction":"outbound","time":105.250,"tick":135}</c> and CR LF.</summary>
internal sealed class Ops243JsonEncoder : Ops243Encoder
{
    public Ops243JsonEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Ops243Json, options)
    {
    }

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        line.Append("{\"speed\":"u8);
        line.Append(SignedSpeed(reading, direction), SpeedFormat);
        line.Append(direction == Direction.Receding ? ",\"direction\":\"outbound\",\"time\":"u8 : ",\"direction\":\"inbound\",\"time\":"u8);
        line.Append(clock.UptimeSeconds(reading.TimeMs), "0.000");
        line.Append(",\"tick\":"u8);
        line.Append(clock.Tick, default);
        line.Append("}\r\n"u8);
    }
}

/// <summary>
/// OPS243-C firmware 1.2.x with <c>OJ</c> and its default unit report, as captured on a bench unit: every value quoted,
/// spaces around the colon, <c>{"time" : "105.122", "unit" : "mps", "magnitude" : "23", "speed" : "-1.00"}</c> and CR LF.
/// </summary>
internal sealed class Ops243DeviceEncoder : Ops243Encoder
{
    public Ops243DeviceEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Ops243, options)
    {
    }

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        line.Append("{\"time\" : \""u8);
        line.Append(clock.UptimeSeconds(reading.TimeMs), "0.000");
        line.Append(SpeedUnit switch
        {
            SpeedUnit.KilometresPerHour => "\", \"unit\" : \"kmph\", \"magnitude\" : \""u8,
            SpeedUnit.MilesPerHour => "\", \"unit\" : \"mph\", \"magnitude\" : \""u8,
            _ => "\", \"unit\" : \"mps\", \"magnitude\" : \""u8,
        });
        line.Append(reading.Magnitude, "0");
        line.Append("\", \"speed\" : \""u8);
        line.Append(SignedSpeed(reading, direction), SpeedFormat);
        line.Append("\"}\r\n"u8);
    }
}

/// <summary>OPS243 with time and magnitude on (<c>OT</c>, <c>OM</c>): <c>105.250,1234.5,-12.34</c> and CR LF.</summary>
internal sealed class Ops243CsvEncoder : Ops243Encoder
{
    public Ops243CsvEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Ops243Csv, options)
    {
    }

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        line.Append(clock.UptimeSeconds(reading.TimeMs), "0.000");
        line.Append((byte)',');
        line.Append(reading.Magnitude, "0.0");
        line.Append((byte)',');
        line.Append(SignedSpeed(reading, direction), SpeedFormat);
        line.Append("\r\n"u8);
    }

    /// <summary>Several targets (<c>O2</c>…<c>O9</c>): <c>time,magnitude…,speed…</c>, strongest first.</summary>
    private protected override void WriteTargets(LineWriter line, ReadOnlySpan<BeamReading> readings, DeviceClock clock)
    {
        line.Append(clock.UptimeSeconds(readings[0].Reading.TimeMs), "0.000");
        foreach (BeamReading target in readings)
        {
            line.Append((byte)',');
            line.Append(target.Reading.Magnitude, "0.0");
        }

        foreach (BeamReading target in readings)
        {
            line.Append((byte)',');
            line.Append(SignedSpeed(target.Reading, target.Direction), SpeedFormat);
        }

        line.Append("\r\n"u8);
    }
}

/// <summary>
/// Houston Radar DR500: a whole speed per line, three digits (<c>057</c>), no direction, in km/h or mph; <c>000</c>
/// ("no target") every 200 ms for the first 2 s after a burst, then silence until the next vehicle (a real unit keeps
/// sending <c>000</c>, which would make idle nights gigabytes of nothing).
/// </summary>
internal sealed class HoustonDr500Encoder : BurstEncoder
{
    public HoustonDr500Encoder(FrameEncoderOptions options)
        : base(FrameFormat.HoustonDr500, options, SpeedUnit.KilometresPerHour)
    {
        if (SpeedUnit == SpeedUnit.MetresPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(options), SpeedUnit, "The DR500 reports km/h or mph.");
        }
    }

    private protected override bool ReportsDirection => false;

    private protected override int IdleIntervalMs => 200;

    private protected override int IdleWindowMs => 2000;

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        // A reading that rounds to 000 would read as "no target"; the slowest simulated vehicle is far above that.
        int whole = (int)Math.Clamp(Math.Round(ToDeviceUnit(reading.Kmh), MidpointRounding.AwayFromZero), 1, 999);
        line.Append(whole, "000");
        line.Append("\r\n"u8);
    }

    private protected override void WriteIdle(LineWriter line, DeviceClock clock) => line.Append("000\r\n"u8);
}

/// <summary>HLK-LD2415H: <c>V+057.3</c> (km/h, '+' approaching) and CR LF.</summary>
internal sealed class HlkLd2415hEncoder : BurstEncoder
{
    public HlkLd2415hEncoder(FrameEncoderOptions options)
        : base(FrameFormat.HlkLd2415h, options, SpeedUnit.KilometresPerHour)
    {
        if (SpeedUnit != SpeedUnit.KilometresPerHour)
        {
            throw new ArgumentOutOfRangeException(nameof(options), SpeedUnit, "The HLK-LD2415H reports km/h only.");
        }
    }

    private protected override void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock)
    {
        line.Append(direction == Direction.Receding ? "V-"u8 : "V+"u8);
        line.Append(Math.Min(reading.Kmh, 999.9), "000.0");
        line.Append("\r\n"u8);
    }
}
