using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Ale.Speed.Influx;

/// <summary>Cold throw paths kept out of the encoder's methods so they stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn, StackTraceHidden]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);
}
