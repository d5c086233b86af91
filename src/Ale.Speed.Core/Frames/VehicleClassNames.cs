using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>The wire names of <see cref="VehicleClass"/> (the canonical record's <c>class</c>), shared by every format that carries a class.</summary>
internal static class VehicleClassNames
{
    /// <summary>The longest name (<c>motorcycle</c>).</summary>
    public const int MaxNameLength = 10;

    /// <summary>
    /// <c>car</c>, <c>heavy</c>, <c>moped</c>, <c>atraktor</c>, <c>motorcycle</c>, <c>bicycle</c>, <c>other</c>,
    /// <c>unknown</c>: exactly these lower-case names; anything else is false.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out VehicleClass vehicleClass)
    {
        vehicleClass = VehicleClass.Unknown;
        switch (name.Length)
        {
            case 3 when name.SequenceEqual("car"u8):
                vehicleClass = VehicleClass.Car;
                return true;
            case 5 when name.SequenceEqual("heavy"u8):
                vehicleClass = VehicleClass.Heavy;
                return true;
            case 5 when name.SequenceEqual("moped"u8):
                vehicleClass = VehicleClass.Moped;
                return true;
            case 5 when name.SequenceEqual("other"u8):
                vehicleClass = VehicleClass.Other;
                return true;
            case 7 when name.SequenceEqual("bicycle"u8):
                vehicleClass = VehicleClass.Bicycle;
                return true;
            case 7 when name.SequenceEqual("unknown"u8):
                return true;
            case 8 when name.SequenceEqual("atraktor"u8):
                vehicleClass = VehicleClass.ATraktor;
                return true;
            case 10 when name.SequenceEqual("motorcycle"u8):
                vehicleClass = VehicleClass.Motorcycle;
                return true;
            default:
                return false;
        }
    }

    /// <summary>As <see cref="TryParse"/>, in any ASCII case (<c>Car</c>, <c>ATRAKTOR</c>): spreadsheets capitalise.</summary>
    public static bool TryParseIgnoreCase(ReadOnlySpan<byte> name, out VehicleClass vehicleClass)
    {
        vehicleClass = VehicleClass.Unknown;
        if (name.Length > MaxNameLength)
        {
            return false;
        }

        Span<byte> lower = stackalloc byte[MaxNameLength];
        lower = lower[..name.Length];
        System.Text.Ascii.ToLower(name, lower, out _);
        return TryParse(lower, out vehicleClass);
    }
}
