using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// The project's NDJSON record, one per vehicle:
/// <c>{"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"in","seq":17,"class":"car","len":4.5}</c> and <c>\n</c>.
/// Arrives 30–400 ms after the vehicle (an MQTT message over mobile data).
/// </summary>
internal sealed class CanonicalEncoder : PerVehicleEncoder
{
    public CanonicalEncoder(FrameEncoderOptions options)
        : base(FrameFormat.Canonical, options, SpeedUnit.KilometresPerHour)
    {
    }

    private protected override void WriteVehicle(LineWriter line, in SimulatedVehicle vehicle)
    {
        line.Append("{\"ts\":\""u8);
        line.Append(DateTimeOffset.FromUnixTimeMilliseconds(vehicle.TimestampMs).UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        line.Append("\",\"kmh\":"u8);
        line.Append(vehicle.SpeedKmh, "0.0");
        line.Append(Normalise(vehicle.Direction) == Direction.Approaching ? ",\"dir\":\"in\""u8 : ",\"dir\":\"out\""u8);
        line.Append(",\"seq\":"u8);
        line.Append(vehicle.Sequence, default);
        ReadOnlySpan<byte> className = ClassName(vehicle.Class);
        if (!className.IsEmpty)
        {
            line.Append(",\"class\":\""u8);
            line.Append(className);
            line.Append((byte)'"');
        }

        if (double.IsFinite(vehicle.LengthMetres))
        {
            line.Append(",\"len\":"u8);
            line.Append(vehicle.LengthMetres, "0.0");
        }

        line.Append("}\n"u8);
    }

    private protected override int DelayMs(ref SimulationRandom random, int lineLength) => random.NextInt(30, 401);

    /// <summary>The wire name of a class; empty for <see cref="VehicleClass.Unknown"/>, which is left out.</summary>
    internal static ReadOnlySpan<byte> ClassName(VehicleClass vehicleClass) => vehicleClass switch
    {
        VehicleClass.Car => "car"u8,
        VehicleClass.Heavy => "heavy"u8,
        VehicleClass.Moped => "moped"u8,
        VehicleClass.ATraktor => "atraktor"u8,
        VehicleClass.Motorcycle => "motorcycle"u8,
        VehicleClass.Bicycle => "bicycle"u8,
        VehicleClass.Other => "other"u8,
        _ => default,
    };
}
