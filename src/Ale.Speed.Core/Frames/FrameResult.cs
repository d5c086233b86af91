namespace Ale.Speed.Core.Frames;

/// <summary>What one consumed frame produced: <see cref="ReadingCount"/> readings, or a reject.</summary>
/// <remarks>
/// A frame with no reject and no reading is a "no target" report (DR500 <c>000</c>, a blank line), unless its
/// <see cref="Kind"/> says it is a range report or a device message: those are counted on their own, never as rejects.
/// </remarks>
public readonly record struct FrameResult(int ReadingCount, RejectReason Reject, FrameKind Kind = FrameKind.Measurement)
{
    public bool IsRejected => Reject != RejectReason.None;

    public static FrameResult Rejected(RejectReason reason) => new(0, reason);
}

/// <summary>What a well-formed frame reports.</summary>
public enum FrameKind : byte
{
    /// <summary>Speed readings (or "no target").</summary>
    Measurement,
    /// <summary>A distance report of an FMCW radar (OPS243-C <c>"m",2.1</c>): no speed, not a reject.</summary>
    RangeReport,
    /// <summary>A settings answer or product information (<c>{"PowerMode" : "Idle or Pulse"}</c>): not a reject.</summary>
    DeviceMessage,
}
