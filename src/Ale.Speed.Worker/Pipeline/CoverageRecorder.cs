using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// Decides, window by window, which units were alive: a unit that sent frames of any kind in the window, or whose line
/// was open while it had not been silent longer than its SilentAfter, is alive. Only live units (serial, MQTT) are
/// watched: a file or standard input replays data whose times are not the worker's now, and a unit read out by hand is
/// not watched at all. Sampled every few seconds, never on the hot path: the frame counters are read, not touched.
/// </summary>
/// <remarks>Frames counted between two samples belong to the window of the later sample.</remarks>
internal sealed class CoverageRecorder
{
    private readonly UnitState[] _units;
    private readonly long _windowMs;
    private readonly TimeProvider _timeProvider;

    /// <param name="isConnected">Whether the unit's serial port or MQTT session is open now.</param>
    public CoverageRecorder(IEnumerable<UnitRegistration> units, UnitRouter router, Func<string, bool> isConnected, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(router);
        _windowMs = (long)window.TotalMilliseconds;
        _timeProvider = timeProvider;
        long now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var watched = new List<UnitState>();
        foreach (UnitRegistration unit in units)
        {
            if (unit.Transport is Transport.Serial or Transport.Mqtt && router.TryGetRoute(unit.Unit.Id, out UnitRoute route))
            {
                watched.Add(new UnitState(unit, route, isConnected, now));
            }
        }

        _units = [.. watched];
    }

    /// <summary>Samples every unit now; appends a point for each unit alive in a window that has ended since the last sample.</summary>
    public void Sample(ICollection<CoveragePoint> completed)
    {
        long now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        long window = now - Modulo(now, _windowMs);
        foreach (UnitState unit in _units)
        {
            unit.Sample(now, window, _windowMs, completed);
        }
    }

    /// <summary>On the way out: a point for each unit alive so far in the window in progress (a later sample may widen it).</summary>
    public void Close(ICollection<CoveragePoint> completed)
    {
        Sample(completed);
        foreach (UnitState unit in _units)
        {
            unit.Emit(_windowMs, completed);
        }
    }

    private static long Modulo(long value, long divisor) => ((value % divisor) + divisor) % divisor;

    private sealed class UnitState(UnitRegistration registration, UnitRoute route, Func<string, bool> isConnected, long startedAtMs)
    {
        private readonly long _silentAfterMs = (long)registration.SilentAfter.TotalMilliseconds;
        private long _lastFrames;
        private long _lastFrameAtMs = startedAtMs;
        private long _windowStartMs = long.MinValue;
        private long _framesInWindow;
        private bool _connectedInWindow;

        public void Sample(long nowMs, long windowStartMs, long windowMs, ICollection<CoveragePoint> completed)
        {
            long frames = 0;
            foreach (Core.Ingest.IngestCounters counters in route.Counters)
            {
                frames += counters.Frames;
            }

            long newFrames = frames - _lastFrames;
            _lastFrames = frames;
            if (windowStartMs != _windowStartMs)
            {
                Emit(windowMs, completed);
                _windowStartMs = windowStartMs;
                _framesInWindow = 0;
                _connectedInWindow = false;
            }

            if (newFrames > 0)
            {
                _framesInWindow += newFrames;
                _lastFrameAtMs = nowMs;
            }

            // An open line proves the unit is alive only while it keeps sending something now and then.
            if (isConnected(registration.Unit.Id) && nowMs - _lastFrameAtMs <= _silentAfterMs)
            {
                _connectedInWindow = true;
            }
        }

        public void Emit(long windowMs, ICollection<CoveragePoint> completed)
        {
            if (_windowStartMs != long.MinValue && (_framesInWindow > 0 || _connectedInWindow))
            {
                completed.Add(new CoveragePoint(registration.Unit.Site.Id, registration.Unit.Id, registration.Unit.DisplayMode,
                    _windowStartMs, windowMs, _framesInWindow, _connectedInWindow));
            }

            _framesInWindow = 0;
            _connectedInWindow = false;
        }
    }
}
