namespace Ale.Speed.Core.Frames;

/// <summary>What one consumed frame produced: <see cref="ReadingCount"/> readings, or a reject.</summary>
/// <remarks>A frame with no reject and no reading is a "no target" report (DR500 <c>000</c>, a blank line).</remarks>
public readonly record struct FrameResult(int ReadingCount, RejectReason Reject)
{
    public bool IsRejected => Reject != RejectReason.None;

    public static FrameResult Rejected(RejectReason reason) => new(0, reason);
}
