using System.Collections;
using System.Numerics;

namespace Ale.Speed.Core.Bins;

/// <summary>
/// A set of hours, named by their starts (Unix ms, UTC), held as a bitmap indexed by hours since 1970: a year is 8,760
/// bits, and unions are word-wise ORs. Hours are UTC hours, which are local hours where offsets are whole hours
/// (Europe/Stockholm), so a daylight-saving shift needs no care: a 23- or 25-hour day is 23 or 25 consecutive bits.
/// </summary>
public sealed class HourSet : IReadOnlyCollection<long>
{
    private const int WordBits = 64;

    // _words[i] holds hours (_firstWord + i) * 64 … + 63 since 1970.
    private ulong[] _words = [];
    private long _firstWord;
    private int _count;
    private bool _readOnly;

    public HourSet()
    {
    }

    /// <summary>An empty set with room for the hours that overlap [<paramref name="fromMs"/>, <paramref name="toMs"/>): adding them never grows it.</summary>
    public HourSet(long fromMs, long toMs)
    {
        long first = IndexOf(fromMs) >> 6;
        long last = Math.Max(first, IndexOf(toMs - 1) >> 6);
        _firstWord = first;
        _words = new ulong[last - first + 1];
    }

    /// <summary>A copy of <paramref name="other"/>.</summary>
    public HourSet(HourSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _words = [.. other._words];
        _firstWord = other._firstWord;
        _count = other._count;
    }

    /// <summary>The set of the hours in <paramref name="hourStarts"/> (each the hour holding it).</summary>
    public HourSet(IEnumerable<long> hourStarts)
    {
        ArgumentNullException.ThrowIfNull(hourStarts);
        foreach (long hour in hourStarts)
        {
            Add(hour);
        }
    }

    public int Count => _count;

    /// <summary>True once <see cref="Freeze"/> was called: the set can be shared, and adding to it throws.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Makes the set read-only (for sharing one set among many bins) and returns it.</summary>
    public HourSet Freeze()
    {
        _readOnly = true;
        return this;
    }

    /// <summary>The start of the earliest hour in the set.</summary>
    /// <exception cref="InvalidOperationException">The set is empty.</exception>
    public long Min
    {
        get
        {
            for (int i = 0; i < _words.Length; i++)
            {
                if (_words[i] != 0)
                {
                    return StartOf((_firstWord + i) * WordBits + BitOperations.TrailingZeroCount(_words[i]));
                }
            }

            throw new InvalidOperationException("The set of hours is empty.");
        }
    }

    /// <summary>Adds the hour holding <paramref name="unixMs"/>; false when it was in the set already.</summary>
    public bool Add(long unixMs)
    {
        long index = IndexOf(unixMs);
        long word = index >> 6;
        Cover(word, word);
        ref ulong bits = ref _words[word - _firstWord];
        ulong bit = 1UL << (int)(index & (WordBits - 1));
        if ((bits & bit) != 0)
        {
            return false;
        }

        bits |= bit;
        _count++;
        return true;
    }

    /// <summary>Adds every hour that overlaps [<paramref name="fromMs"/>, <paramref name="toMs"/>) (the hour holding <paramref name="fromMs"/> when the range is empty).</summary>
    public void AddRange(long fromMs, long toMs)
    {
        long first = IndexOf(fromMs);
        long last = Math.Max(first, IndexOf(toMs - 1));
        for (long index = first; index <= last; index += WordBits)
        {
            int n = (int)Math.Min(WordBits, last - index + 1);
            AddMask(StartOf(index), n == WordBits ? ulong.MaxValue : (1UL << n) - 1);
        }
    }

    /// <summary>Adds hour i from the hour holding <paramref name="startMs"/> for every bit i set in <paramref name="mask"/>.</summary>
    public void AddMask(long startMs, ulong mask)
    {
        if (mask == 0)
        {
            return;
        }

        long index = IndexOf(startMs);
        long word = index >> 6;
        int shift = (int)(index & (WordBits - 1));
        ulong low = mask << shift;
        ulong high = shift == 0 ? 0 : mask >> (WordBits - shift);
        Cover(word, high == 0 ? word : word + 1);
        Or(word, low);
        if (high != 0)
        {
            Or(word + 1, high);
        }
    }

    /// <summary>Adds every hour of <paramref name="other"/>.</summary>
    public void UnionWith(HourSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }

        Cover(other._firstWord, other._firstWord + other._words.Length - 1);
        for (int i = 0; i < other._words.Length; i++)
        {
            if (other._words[i] != 0)
            {
                Or(other._firstWord + i, other._words[i]);
            }
        }
    }

    /// <summary>True when the hour holding <paramref name="unixMs"/> is in the set.</summary>
    public bool Contains(long unixMs)
    {
        long index = IndexOf(unixMs);
        long word = (index >> 6) - _firstWord;
        return (ulong)word < (ulong)_words.Length && (_words[word] & (1UL << (int)(index & (WordBits - 1)))) != 0;
    }

    /// <summary>How many hours of the set overlap [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public int CountIn(long fromMs, long toMs)
    {
        if (toMs <= fromMs || _count == 0)
        {
            return 0;
        }

        // Bit indexes [first, end) relative to _words[0], clipped to the words held.
        long first = Math.Max(0, IndexOf(fromMs) - _firstWord * WordBits);
        long end = Math.Min((long)_words.Length * WordBits, IndexOf(toMs - 1) + 1 - _firstWord * WordBits);
        int count = 0;
        for (long index = first; index < end;)
        {
            int bit = (int)(index & (WordBits - 1));
            int n = (int)Math.Min(WordBits - bit, end - index);
            ulong mask = n == WordBits ? ulong.MaxValue : ((1UL << n) - 1) << bit;
            count += BitOperations.PopCount(_words[index >> 6] & mask);
            index += n;
        }

        return count;
    }

    /// <summary>The hour starts in the set, ascending.</summary>
    public IEnumerator<long> GetEnumerator()
    {
        for (int i = 0; i < _words.Length; i++)
        {
            ulong bits = _words[i];
            while (bits != 0)
            {
                int bit = BitOperations.TrailingZeroCount(bits);
                yield return StartOf((_firstWord + i) * WordBits + bit);
                bits &= bits - 1;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Hours since 1970 of the hour holding <paramref name="unixMs"/> (floor, also before 1970).</summary>
    private static long IndexOf(long unixMs) => Rollups.HourStart(unixMs) / Rollups.HourMs;

    private static long StartOf(long index) => index * Rollups.HourMs;

    private void Or(long word, ulong bits)
    {
        ref ulong target = ref _words[word - _firstWord];
        _count += BitOperations.PopCount(bits & ~target);
        target |= bits;
    }

    /// <summary>Grows the words held to cover words <paramref name="from"/> to <paramref name="to"/> (inclusive), doubling so that adding hour after hour stays linear.</summary>
    private void Cover(long from, long to)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This set of hours is shared and read-only: copy it to add hours.");
        }

        if (_words.Length == 0)
        {
            _firstWord = from;
            _words = new ulong[to - from + 1];
            return;
        }

        long heldEnd = _firstWord + _words.Length;
        if (from >= _firstWord && to < heldEnd)
        {
            return;
        }

        long newEnd = Math.Max(to + 1, heldEnd);
        long length = Math.Max(newEnd - Math.Min(from, _firstWord), 2L * _words.Length);
        // Growing towards earlier hours puts the slack before them, towards later hours after them.
        long newFirst = from < _firstWord ? newEnd - length : _firstWord;
        var words = new ulong[length];
        _words.CopyTo(words, _firstWord - newFirst);
        _words = words;
        _firstWord = newFirst;
    }
}
