using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Vehicles;

public sealed class DuplicateFilterTests
{
    private static readonly Unit s_unit = new() { Id = "u1", Site = new Site("s1", "Road", 50) };

    private static VehicleIdentity Id(long sequence) => VehicleIdentity.Of(new Vehicle
    {
        Unit = s_unit, TimestampMs = 1_700_000_000_000, SpeedKmh = 50, Direction = Direction.Approaching, Sequence = sequence,
    });

    [Fact]
    public void TryRemember_ManyMoreThanCapacity_KeepsExactlyTheLastCapacity()
    {
        var filter = new DuplicateFilter(100);
        for (long s = 0; s < 1000; s++)
        {
            Assert.True(filter.TryRemember(Id(s)));
        }

        Assert.Equal(100, filter.Count);
        for (long s = 0; s < 900; s++)
        {
            Assert.False(filter.Contains(Id(s)));
        }

        for (long s = 900; s < 1000; s++)
        {
            Assert.True(filter.Contains(Id(s)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(1000)]
    public void TryRemember_RandomRepeatsAndEvictions_AnswersAsASetOfTheLastCapacity(int capacity)
    {
        // Few distinct identities, so that repeats, evictions and colliding probes (deletion by backward shift) are
        // common; the model is the plain definition: a set of the last `capacity` remembered identities.
        var random = new Random(31 + capacity);
        var filter = new DuplicateFilter(capacity);
        var model = new LastCapacityModel(capacity);
        for (int n = 0; n < 50_000; n++)
        {
            VehicleIdentity identity = random.Next(2) == 0
                ? Id(random.Next(capacity * 3))
                : VehicleIdentity.Of(new Vehicle
                {
                    Unit = s_unit, TimestampMs = 1_700_000_000_000 + random.Next(capacity * 2), SpeedKmh = 40 + random.Next(3),
                    Direction = random.Next(2) == 0 ? Direction.Approaching : Direction.Receding,
                });
            model.RememberAndCompare(filter, identity, checkAll: n % 97 == 0);
        }
    }

    [Fact]
    public void TryRemember_SteadyState_AllocatesNothing()
    {
        var filter = new DuplicateFilter(64);
        for (long s = 0; s < 200; s++)
        {
            filter.TryRemember(Id(s));
        }

        // The least of three runs: the runtime itself (tiering) can allocate once on this thread; a per-call allocation
        // would show in every run as at least 10,000 allocations.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (long s = 200 + attempt * 10_000; s < 10_200 + attempt * 10_000; s++)
            {
                filter.TryRemember(Id(s));
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }

    [Fact]
    public void Of_WithoutSequence_UsesTimeSpeedAndDirectionNotTimeAlone()
    {
        Vehicle a = new() { Unit = s_unit, TimestampMs = 1000, SpeedKmh = 50.00, Direction = Direction.Approaching };
        Assert.NotEqual(VehicleIdentity.Of(a), VehicleIdentity.Of(a with { SpeedKmh = 50.01 }));
        Assert.NotEqual(VehicleIdentity.Of(a), VehicleIdentity.Of(a with { Direction = Direction.Receding }));
        Assert.NotEqual(VehicleIdentity.Of(a), VehicleIdentity.Of(a with { TimestampMs = 1001 }));
        Assert.Equal(VehicleIdentity.Of(a), VehicleIdentity.Of(a with { Class = VehicleClass.Heavy }));
    }
    [Fact]
    public void TryRemember_SequenceGoingBackwardsAndResetToZero_StillFindsEveryRemembered()
    {
        var filter = new DuplicateFilter(100);
        foreach (long s in new long[] { 10, 11, 12, 5, 12, 0, 1, 11, 13, 0, 5, 1 })
        {
            bool remembered = filter.Contains(Id(s));
            Assert.Equal(!remembered, filter.TryRemember(Id(s)));
        }

        Assert.Equal(7, filter.Count); // 10, 11, 12, 5, 0, 1, 13
        Assert.False(filter.TryRemember(Id(13)));
        Assert.False(filter.TryRemember(Id(0)));
    }

    [Fact]
    public void TryRemember_HighestSequenceForgotten_IsNewAgainAndThenADuplicate()
    {
        // Capacity 2: the highest number leaves the set while lower ones come in; it must then count as new, once.
        var filter = new DuplicateFilter(2);
        Assert.True(filter.TryRemember(Id(1_000_000)));
        Assert.True(filter.TryRemember(Id(3)));
        Assert.True(filter.TryRemember(Id(4)));
        Assert.False(filter.Contains(Id(1_000_000)));
        Assert.True(filter.TryRemember(Id(1_000_000)));
        Assert.False(filter.TryRemember(Id(1_000_000)));
        Assert.False(filter.TryRemember(Id(4)));
    }

    [Fact]
    public void TryRemember_GapsFarBeyondTheCapacity_KeepExactlyTheLastCapacity()
    {
        var filter = new DuplicateFilter(8);
        var model = new Queue<long>();
        long s = 0;
        var random = new Random(12);
        for (int n = 0; n < 2000; n++)
        {
            s += random.Next(3) == 0 ? -random.Next(0, 40) : random.Next(1, 100_000);
            s = Math.Max(s, 0);
            bool expected = !model.Contains(s);
            if (expected)
            {
                if (model.Count == 8)
                {
                    model.Dequeue();
                }

                model.Enqueue(s);
            }

            Assert.Equal(expected, filter.TryRemember(Id(s)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void TryRemember_AscendingWithRepeatsThenOutOfOrder_AnswersAsASetOfTheLastCapacity(int capacity)
    {
        // Ascending numbers with repeats (old and recent) keep the filter on its sorted ring; then out-of-order numbers
        // and identities without numbers make it build its table. The model is the plain definition throughout, and
        // Clear must bring back the sorted ring, so the same walk runs twice.
        var random = new Random(5 + capacity);
        var filter = new DuplicateFilter(capacity);
        for (int round = 0; round < 2; round++)
        {
            var model = new LastCapacityModel(capacity);
            long highest = 0;
            for (int n = 0; n < 20_000; n++)
            {
                VehicleIdentity identity;
                int pick = random.Next(100);
                if (n < 10_000 ? pick < 70 : pick < 40)
                {
                    highest += random.Next(1, 4);
                    identity = Id(highest);
                }
                else if (n < 10_000 || pick < 80)
                {
                    identity = Id(Math.Max(0, highest - random.Next(capacity * 2)));
                }
                else
                {
                    identity = VehicleIdentity.Of(new Vehicle
                    {
                        Unit = s_unit, TimestampMs = 1_700_000_000_000 + random.Next(capacity * 2), SpeedKmh = 40,
                        Direction = Direction.Approaching,
                    });
                }

                // Before n = 10,000 only repeats come below the highest: a number not remembered is skipped there.
                if (n < 10_000 && identity.SequenceOrTimestampMs < highest && !model.Contains(identity))
                {
                    Assert.False(filter.Contains(identity));
                    continue;
                }

                model.RememberAndCompare(filter, identity, checkAll: n % 89 == 0);
                if (n % 89 == 0)
                {
                    Assert.False(filter.Contains(Id(highest + 1)));
                }
            }

            filter.Clear();
            Assert.Equal(0, filter.Count);
        }
    }

    [Fact]
    public void Clear_ForgetsTheHighestSequenceToo()
    {
        var filter = new DuplicateFilter(16);
        Assert.True(filter.TryRemember(Id(500)));
        filter.Clear();
        Assert.True(filter.TryRemember(Id(7)));
        Assert.True(filter.TryRemember(Id(500)));
        Assert.False(filter.TryRemember(Id(7)));
    }

    /// <summary>The plain definition the filter must answer as: a set of the last <c>capacity</c> remembered identities.</summary>
    private sealed class LastCapacityModel(int capacity)
    {
        private readonly Queue<VehicleIdentity> _order = new();
        private readonly HashSet<VehicleIdentity> _seen = [];

        public bool Contains(VehicleIdentity identity) => _seen.Contains(identity);

        /// <summary>Remembers <paramref name="identity"/> in both and asserts they agree (on every identity when <paramref name="checkAll"/>).</summary>
        public void RememberAndCompare(DuplicateFilter filter, VehicleIdentity identity, bool checkAll)
        {
            bool expected = !_seen.Contains(identity);
            if (expected)
            {
                if (_order.Count == capacity)
                {
                    _seen.Remove(_order.Dequeue());
                }

                _order.Enqueue(identity);
                _seen.Add(identity);
            }

            Assert.Equal(expected, filter.TryRemember(identity));
            Assert.Equal(_order.Count, filter.Count);
            if (checkAll)
            {
                foreach (VehicleIdentity remembered in _order)
                {
                    Assert.True(filter.Contains(remembered));
                }
            }
        }
    }
}
