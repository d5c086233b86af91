using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// ICOMS TMA-296: one message per vehicle in the configured type — 1 <c>+057 km/h</c>, 2 <c>057KI</c>/<c>057KO</c>,
/// 3 <c>-057</c>, 6 <c>+057 km/h 005 m</c> — speed in whole km/h, three digits, '+' approaching; lines end in CR LF.
/// Arrives when the last byte has crossed a 9600 baud line (about a millisecond per byte).
/// </summary>
internal sealed class IcomsTma296Encoder : PerVehicleEncoder
{
    public IcomsTma296Encoder(FrameEncoderOptions options)
        : base(FrameFormat.IcomsTma296, options, SpeedUnit.KilometresPerHour)
    {
        if (options.IcomsMessageType is not (IcomsMessageType.Type1 or IcomsMessageType.Type2 or IcomsMessageType.Type3 or IcomsMessageType.Type6))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IcomsMessageType, "ICOMS message types are 1, 2, 3 and 6.");
        }

        MessageType = options.IcomsMessageType;
    }

    public IcomsMessageType MessageType { get; }

    private protected override void WriteVehicle(LineWriter line, in SimulatedVehicle vehicle)
    {
        bool approaching = Normalise(vehicle.Direction) == Direction.Approaching;
        int kmh = WholeKmh(vehicle.SpeedKmh);
        switch (MessageType)
        {
            case IcomsMessageType.Type2:
                line.Append(kmh, "000");
                line.Append(approaching ? "KI"u8 : "KO"u8);
                break;
            case IcomsMessageType.Type3:
                line.Append(approaching ? (byte)'+' : (byte)'-');
                line.Append(kmh, "000");
                break;
            default:
                line.Append(approaching ? (byte)'+' : (byte)'-');
                line.Append(kmh, "000");
                line.Append(" km/h"u8);
                if (MessageType == IcomsMessageType.Type6)
                {
                    int metres = double.IsFinite(vehicle.LengthMetres)
                        ? (int)Math.Clamp(Math.Round(vehicle.LengthMetres, MidpointRounding.AwayFromZero), 0, 999)
                        : 0;
                    line.Append((byte)' ');
                    line.Append(metres, "000");
                    line.Append(" m"u8);
                }

                break;
        }

        line.Append("\r\n"u8);
    }

    private protected override int DelayMs(ref SimulationRandom random, int lineLength) => lineLength + 1;
}
