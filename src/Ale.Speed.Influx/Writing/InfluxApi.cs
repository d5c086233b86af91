namespace Ale.Speed.Influx.Writing;

/// <summary>Which write endpoint the server is spoken to through.</summary>
public enum InfluxApi : byte
{
    /// <summary><c>POST /write?db=&amp;rp=&amp;precision=</c>, user and password as HTTP basic auth: InfluxDB 1.x
    /// (also answered by 2.x's 1.x compatibility API).</summary>
    V1 = 1,

    /// <summary><c>POST /api/v2/write?org=&amp;bucket=&amp;precision=</c> with <c>Authorization: Token …</c>:
    /// InfluxDB 1.8+, 2.x and 3.x (and VictoriaMetrics). InfluxDB 1.6 and 1.7 answer 404.</summary>
    V2 = 2,
}
