namespace Ale.Speed.Core.Bins;

/// <summary>
/// Speed-limit classes that Swedish penalties distinguish: fines differ for limits up to 50 and above 50, licence
/// consequences for limits up to 30 and from 40.
/// </summary>
public enum LimitCategory : byte
{
    /// <summary>Limit ≤ 30 km/h.</summary>
    AtMost30 = 0,
    /// <summary>Limit 31–50 km/h.</summary>
    From31To50 = 1,
    /// <summary>Limit &gt; 50 km/h.</summary>
    Over50 = 2,
}

public static class LimitCategories
{
    public const int Count = 3;

    public static LimitCategory Of(int limitKmh) => limitKmh switch
    {
        <= 30 => LimitCategory.AtMost30,
        <= 50 => LimitCategory.From31To50,
        _ => LimitCategory.Over50,
    };
}
