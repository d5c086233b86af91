using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Bins;

/// <summary>
/// Names a bin: site, direction, display mode, and the start of its window (Unix ms UTC,
/// <c>floor(timestamp / window) * window</c>). Display modes are never mixed in one bin, since drivers who see their
/// speed drive slower.
/// </summary>
public readonly record struct BinKey(string SiteId, Direction Direction, DisplayMode DisplayMode, long WindowStartMs);
